// FindCoordinator (key 10): this single node coordinates every group (key type 0, creating
// __consumer_offsets on first use as Kafka does) and every transactional id (key type 1). Other key
// types (share groups, 2) are INVALID_REQUEST. v4+ batches keys.
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

interface Coordinator {
  errorCode: number;
  errorMessage: string;
  nodeId: number;
  host: string;
  port: number;
}

const NO_COORDINATOR = { nodeId: -1, host: '', port: -1 };

/** Creates __consumer_offsets on first use; false when that failed (the client retries). */
async function offsetsTopicReady(broker: Broker): Promise<boolean> {
  try {
    await broker.groups.ensureOffsetsTopic();
    return true;
  } catch (err) {
    broker.logger.warn({ err }, 'could not create __consumer_offsets');
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
    if (keyType === KEY_TYPE_GROUP && !(await offsetsTopicReady(broker))) {
      coordinator = { ...NO_COORDINATOR, errorCode: ERRORS.COORDINATOR_NOT_AVAILABLE.code, errorMessage: '' };
    } else if (keyType === KEY_TYPE_GROUP || keyType === KEY_TYPE_TRANSACTION) {
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
        // Kafka answers share groups (disabled) without the message.
        errorMessage: keyType === SHARE_KEY_TYPE && version >= 4 ? '' : INVALID_REQUEST_MESSAGE,
      };
    }
    if (version < 4) return { throttleTimeMs: 0, ...coordinator };
    return {
      throttleTimeMs: 0,
      coordinators: (body.coordinatorKeys as string[]).map((key): Message => ({ key, ...coordinator })),
    };
  },
};
