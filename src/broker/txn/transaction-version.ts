// The `transaction.version` feature (KIP-890 part 2, Kafka 4's default). The broker advertises it in
// ApiVersions as a finalized feature at level 2: a client that sees level 2 (the Java client from 4.0)
// uses transaction version 2 and says so through the request versions it picks (Produce v12+,
// TxnOffsetCommit v5+, AddPartitionsToTxn v5+, EndTxn v5+). Under version 2 the broker adds partitions
// to the transaction itself when the producer writes to them, and every EndTxn bumps the producer epoch.
// Clients that never use those versions (librdkafka, older Java clients) keep version 1 semantics.

export const TRANSACTION_VERSION_FEATURE = 'transaction.version';

/** The levels this broker can run (Kafka 4.3: 0 to 2). */
export const SUPPORTED_TRANSACTION_VERSIONS = { min: 0, max: 2 } as const;

/** The level the broker runs at, as a freshly formatted Kafka 4.3 cluster does. */
export const FINALIZED_TRANSACTION_VERSION = 2;

/** Kafka's feature epoch is a metadata offset; a single node's features never change, so any epoch >= 0. */
export const FINALIZED_FEATURES_EPOCH = 1n;

/** The transaction version a client uses when it speaks without epoch bumps (TV_0/TV_1 in Kafka). */
export const CLIENT_TRANSACTION_VERSION_1 = 0;
export const CLIENT_TRANSACTION_VERSION_2 = 2;

/** Whether a client transaction version bumps the epoch at each EndTxn (Kafka's supportsEpochBump). */
export function supportsEpochBump(clientTransactionVersion: number): boolean {
  return clientTransactionVersion >= 2;
}

/** The first version of each API whose use means the client runs transaction version 2. */
const FIRST_TV2_VERSION = {
  Produce: 12,
  TxnOffsetCommit: 5,
  AddPartitionsToTxn: 5,
  EndTxn: 5,
} as const;

/** The client transaction version a request implies, from its API and version (Kafka's handlers). */
export function clientTransactionVersionOf(api: keyof typeof FIRST_TV2_VERSION, apiVersion: number): number {
  return apiVersion >= FIRST_TV2_VERSION[api] && FINALIZED_TRANSACTION_VERSION >= 2
    ? CLIENT_TRANSACTION_VERSION_2
    : CLIENT_TRANSACTION_VERSION_1;
}

/** ApiVersions v3+ fields describing the feature (Kafka lists finalized features at min = max = level). */
export function transactionVersionFeatures() {
  return {
    supportedFeatures: [
      {
        name: TRANSACTION_VERSION_FEATURE,
        minVersion: SUPPORTED_TRANSACTION_VERSIONS.min,
        maxVersion: SUPPORTED_TRANSACTION_VERSIONS.max,
      },
    ],
    finalizedFeaturesEpoch: FINALIZED_FEATURES_EPOCH,
    finalizedFeatures: [
      {
        name: TRANSACTION_VERSION_FEATURE,
        maxVersionLevel: FINALIZED_TRANSACTION_VERSION,
        minVersionLevel: FINALIZED_TRANSACTION_VERSION,
      },
    ],
  };
}
