// FindCoordinator (key 10): this single node coordinates every group (key type 0, creating
// __consumer_offsets on first use as Kafka does), every transactional id (key type 1, creating
// __transaction_state likewise) and the share state of every share partition (key type 2,
// "groupId:topicId:partition"). v4+ batches keys.
import type { Message } from '../../protocol/codec.ts';
import { ERRORS } from '../../protocol/errors.ts';
import { API_KEYS } from '../../protocol/schema/messages.generated.ts';
import type { Broker } from '../broker.ts';
import type { ApiDefinition } from './api.ts';

const KEY_TYPE_GROUP = 0;
const KEY_TYPE_TRANSACTION = 1;
/** Kafka's message for INVALID_REQUEST. */
const INVALID_REQUEST_MESSAGE =
  'This most likely occurs because of a request being malformed by the client library or the message was sent to an incompatible broker. See the broker logs for more details.';
const SHARE_KEY_TYPE = 2;

/** Kafka's share coordinator key: group id, topic id and partition, joined by colons. */
function isShareCoordinatorKey(key: string): boolean {
  const parts = key.split(':');
  return parts.length >= 3 && parts[0] !== '' && parts.at(-2) !== '' && /^\d+$/.test(parts.at(-1)!);
}

interface Coordinator {
  errorCode: number;
  errorMessage: string;
  nodeId: number;
  host: string;
  port: number;
}

const NO_COORDINATOR = { nodeId: -1, host: '', port: -1 };

/**
 * Creates the coordinator's internal topic on first use (__consumer_offsets for groups,
 * __transaction_state for transactional ids); false when that failed (the client retries).
 */
async function coordinatorTopicReady(broker: Broker, keyType: number): Promise<boolean> {
  const [topic, ensure] =
    keyType === KEY_TYPE_GROUP
      ? ['__consumer_offsets', () => broker.groups.ensureOffsetsTopic()]
      : ['__transaction_state', () => broker.transactions.ensureStateTopic()];
  try {
    await ensure();
    return true;
  } catch (err) {
    broker.logger.warn({ err }, `could not create ${topic}`);
    return false;
  }
}

export const findCoordinatorApi: ApiDefinition = {
  key: API_KEYS.FindCoordinator,
  minVersion: 0,
  maxVersion: 6,
  async handle(body, ctx) {
    const { broker } = ctx;
    const version = ctx.header.apiVersion;
    const keyType = body.keyType as number;
    let coordinator: Coordinator;
    const internalTopic = keyType === KEY_TYPE_GROUP || keyType === KEY_TYPE_TRANSACTION;
    if (internalTopic && !(await coordinatorTopicReady(broker, keyType))) {
      coordinator = { ...NO_COORDINATOR, errorCode: ERRORS.COORDINATOR_NOT_AVAILABLE.code, errorMessage: '' };
    } else if (keyType === KEY_TYPE_GROUP || keyType === KEY_TYPE_TRANSACTION || keyType === SHARE_KEY_TYPE) {
      const { host, port } = broker.advertisedFor(ctx.connection.listenerName);
      // Kafka's message for success is the error's name up to v3, empty in the batched form.
      coordinator = {
        errorCode: 0,
        errorMessage: version >= 4 ? '' : 'NONE',
        nodeId: broker.nodeId,
        host,
        port,
      };
    } else {
      coordinator = {
        ...NO_COORDINATOR,
        errorCode: ERRORS.INVALID_REQUEST.code,
        errorMessage: INVALID_REQUEST_MESSAGE,
      };
    }
    /** A share key that is not "groupId:topicId:partition" is INVALID_REQUEST, as Kafka's key parsing. */
    const answerFor = (key: string): Coordinator =>
      keyType === SHARE_KEY_TYPE && !isShareCoordinatorKey(key)
        ? { ...NO_COORDINATOR, errorCode: ERRORS.INVALID_REQUEST.code, errorMessage: `Invalid key: ${key}` }
        : coordinator;
    if (version < 4) return { throttleTimeMs: 0, ...answerFor(body.key as string) };
    return {
      throttleTimeMs: 0,
      coordinators: (body.coordinatorKeys as string[]).map((key): Message => ({ key, ...answerFor(key) })),
    };
  },
};
