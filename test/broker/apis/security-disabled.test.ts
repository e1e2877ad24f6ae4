import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { API_KEYS } from '../../../src/protocol/schema/messages.generated.ts';
import { type NagareUnderTest, startNagare } from '../../support/nagare.ts';
import { withRawClient } from '../../support/raw-client.ts';

const acl = {
  resourceType: 2,
  resourceName: 't',
  principal: 'User:alice',
  host: '*',
  operation: 3,
  permissionType: 3,
};
const filter = {
  resourceTypeFilter: 2,
  resourceNameFilter: null,
  principalFilter: null,
  hostFilter: null,
  operation: 1,
  permissionType: 1,
};

describe('DescribeAcls, CreateAcls, DeleteAcls without an authorizer', () => {
  let nagare: NagareUnderTest;
  before(async () => {
    nagare = await startNagare();
  });
  after(() => nagare?.stop());

  it("answer SECURITY_DISABLED with Kafka's messages", async () => {
    await withRawClient(nagare.port, async (c) => {
      const described = await c.request(API_KEYS.DescribeAcls, 3, filter);
      assert.deepEqual(
        [described.errorCode, described.errorMessage, described.resources],
        [54, 'No Authorizer is configured on the broker', []],
      );
      const created = await c.request(API_KEYS.CreateAcls, 3, { creations: [acl, acl] });
      assert.deepEqual(created.results, [
        { errorCode: 54, errorMessage: 'No Authorizer is configured.' },
        { errorCode: 54, errorMessage: 'No Authorizer is configured.' },
      ]);
      const deleted = await c.request(API_KEYS.DeleteAcls, 1, { filters: [filter] });
      assert.deepEqual(deleted.filterResults, [
        { errorCode: 54, errorMessage: 'No Authorizer is configured.', matchingAcls: [] },
      ]);
    });
  });
});

describe('DescribeClientQuotas', () => {
  let nagare: NagareUnderTest;
  before(async () => {
    nagare = await startNagare();
  });
  after(() => nagare?.stop());

  it('finds no quota, whatever the filter', async () => {
    const response = await withRawClient(nagare.port, (c) =>
      c.request(API_KEYS.DescribeClientQuotas, 1, {
        components: [{ entityType: 'client-id', matchType: 0, match: 'c1' }],
        strict: false,
      }),
    );
    assert.deepEqual(response, { throttleTimeMs: 0, errorCode: 0, errorMessage: null, entries: [] });
  });
});
