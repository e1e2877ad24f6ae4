// TxnOffsetCommit (key 28, v0–5): a transactional producer stores a consumer group's offsets as part of
// its transaction (sendOffsetsToTransaction, after AddOffsetsToTxn). As Kafka's handler does, partitions
// of unknown topics are refused here; the group coordinator checks the group, member and generation
// (v3+ carry them), the producer, and keeps the offsets pending until the transaction ends. v5 comes from
// clients using transaction version 2, which send no AddOffsetsToTxn: the group's __consumer_offsets
// partition is added to the transaction here first.
import type { Message } from '../../protocol/codec.ts';
import { ERRORS, type ErrorName } from '../../protocol/errors.ts';
import { API_KEYS } from '../../protocol/schema/messages.generated.ts';
import type { Broker } from '../broker.ts';
import { CLIENT_TRANSACTION_VERSION_2, clientTransactionVersionOf } from '../txn/transaction-version.ts';
import type { ApiDefinition } from './api.ts';
import { readOffsetCommits } from './offset-commit-request.ts';

/** Kafka's group coordinator refuses an empty or missing group id before anything else. */
function invalidGroupResponse(topics: Message[]): Message {
  return {
    throttleTimeMs: 0,
    topics: topics.map((t) => ({
      name: t.name,
      partitions: (t.partitions as Message[]).map((p) => ({
        partitionIndex: p.partitionIndex,
        errorCode: ERRORS.INVALID_GROUP_ID.code,
      })),
    })),
  };
}

/** Transaction version 2: adds the group's offsets partition to the producer's transaction. */
async function addOffsetsPartition(broker: Broker, body: Message): Promise<ErrorName | undefined> {
  const error = await broker.transactions.addPartitionsOnWrite(
    body.transactionalId,
    body.producerId,
    body.producerEpoch,
    [await broker.groups.offsetsPartition(body.groupId as string)],
  );
  // As for a Produce, Kafka's broker tells a fenced producer about its epoch.
  return error === 'PRODUCER_FENCED' ? 'INVALID_PRODUCER_EPOCH' : error;
}

export const txnOffsetCommitApi: ApiDefinition = {
  key: API_KEYS.TxnOffsetCommit,
  minVersion: 0,
  maxVersion: 5,
  async handle(body, ctx) {
    const { broker } = ctx;
    const version = ctx.header.apiVersion;
    const topics = body.topics as Message[];
    const request = readOffsetCommits(ctx, topics, 2);
    const { commits } = request;
    if (commits.length > 0 && !body.groupId) return invalidGroupResponse(topics);
    const addError =
      commits.length > 0 &&
      clientTransactionVersionOf('TxnOffsetCommit', version) === CLIENT_TRANSACTION_VERSION_2
        ? await addOffsetsPartition(broker, body)
        : undefined;
    const errors =
      commits.length === 0
        ? []
        : addError
          ? commits.map(() => addError)
          : await broker.groups.commitTransactionalOffsets({
              groupId: body.groupId,
              transactionalId: body.transactionalId,
              producerId: body.producerId,
              producerEpoch: body.producerEpoch,
              identity: {
                memberId: version >= 3 ? body.memberId : '',
                groupInstanceId: version >= 3 ? body.groupInstanceId : null,
                generationIdOrMemberEpoch: version >= 3 ? body.generationId : -1,
                apiVersion: version,
              },
              retentionTimeMs: -1,
              offsets: commits,
            });
    return { throttleTimeMs: 0, topics: request.answer(errors) };
  },
};
