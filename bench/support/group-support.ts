// Whether a broker serves consumer groups of a protocol, from the APIs it advertises: the group benchmark
// measures what both brokers serve and says what it left out (a broker too old for KIP-848 lacks
// ConsumerGroupHeartbeat).
import { apiVersionsV3 } from '@platformatic/kafka';
import { withConnection } from '../../test/support/kafka-requests.ts';

/** The APIs a client's members need, by group protocol. */
const groupApis = {
  classic: { FindCoordinator: 10, JoinGroup: 11, Heartbeat: 12, LeaveGroup: 13, SyncGroup: 14 },
  consumer: { FindCoordinator: 10, ConsumerGroupHeartbeat: 68 },
} as const;
const offsetApis = { OffsetCommit: 8, OffsetFetch: 9 };

/** Why the broker cannot serve groups of this protocol (naming the APIs it does not advertise), or undefined. */
export async function groupSupportMissing(
  bootstrap: string,
  protocol: 'classic' | 'consumer',
): Promise<string | undefined> {
  const response = await withConnection({ bootstrap }, (connection) =>
    apiVersionsV3.api.async(connection, 'nagare-tests', '0'),
  );
  const served = new Set(response.apiKeys.map((api) => api.apiKey));
  const absent = Object.entries({ ...groupApis[protocol], ...offsetApis })
    .filter(([, key]) => !served.has(key))
    .map(([name]) => name);
  if (absent.length === 0) return undefined;
  const what = protocol === 'classic' ? 'consumer groups' : 'KIP-848 consumer groups';
  return `no ${what}: the broker does not serve ${absent.join(', ')}`;
}
