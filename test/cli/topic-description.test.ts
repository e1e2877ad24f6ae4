import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatTopicDescription } from '../../src/cli/topic-description.ts';

describe('formatTopicDescription', () => {
  it("prints kafka-topics.sh --describe's layout, configs sorted", () => {
    const text = formatTopicDescription({
      name: 'orders',
      id: 'abc',
      partitions: [
        { partition: 0, leader: 1, replicas: [1], isr: [1] },
        { partition: 1, leader: -1, replicas: [1, 2], isr: [] },
      ],
      configs: [
        ['retention.ms', '1000'],
        ['cleanup.policy', 'compact'],
        ['sasl.secret', null],
      ],
    });
    assert.equal(
      text,
      [
        'Topic: orders\tTopicId: abc\tPartitionCount: 2\tReplicationFactor: 1\tConfigs: cleanup.policy=compact,retention.ms=1000,sasl.secret=(sensitive)',
        '\tTopic: orders\tPartition: 0\tLeader: 1\tReplicas: 1\tIsr: 1',
        '\tTopic: orders\tPartition: 1\tLeader: none\tReplicas: 1,2\tIsr: ',
      ].join('\n'),
    );
  });
});
