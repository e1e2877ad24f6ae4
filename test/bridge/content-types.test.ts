import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { accepts, embeddedFormatOf, embeddedType, mediaType } from '../../src/bridge/content-types.ts';

describe('bridge content types', () => {
  it('names the embedded formats as the API does', () => {
    assert.equal(embeddedType('json'), 'application/vnd.kafka.json.v2+json');
    assert.equal(embeddedType('binary'), 'application/vnd.kafka.binary.v2+json');
    assert.equal(embeddedType('text'), 'application/vnd.kafka.text.v2+json');
  });

  it('reads the embedded format of a Content-Type, ignoring case and parameters', () => {
    assert.equal(embeddedFormatOf('application/vnd.kafka.json.v2+json'), 'json');
    assert.equal(embeddedFormatOf('Application/VND.kafka.binary.v2+json; charset=utf-8'), 'binary');
    assert.equal(embeddedFormatOf('application/vnd.kafka.v2+json'), undefined);
    assert.equal(embeddedFormatOf('application/json'), undefined);
    assert.equal(embeddedFormatOf(undefined), undefined);
    assert.equal(mediaType(' text/plain ;q=1'), 'text/plain');
  });

  it('negotiates Accept headers', () => {
    const type = 'application/vnd.kafka.json.v2+json';
    assert.equal(accepts(undefined, type), true);
    assert.equal(accepts('', type), true);
    assert.equal(accepts('*/*', type), true);
    assert.equal(accepts('application/*', type), true);
    assert.equal(accepts(`text/plain, ${type};q=0.5`, type), true);
    assert.equal(accepts('application/vnd.kafka.binary.v2+json', type), false);
    assert.equal(accepts(`${type};q=0`, type), false);
    assert.equal(accepts('text/*', type), false);
  });
});
