// The topics a classic "consumer" group member subscribes to, read from its JoinGroup metadata
// (Kafka's ConsumerProtocolSubscription). Every version starts with the version and the topic list, and
// Kafka reads newer versions with the format it knows, so only that prefix is parsed here.
import { MalformedMessageError, Reader } from '../../protocol/primitives/reader.ts';

/** The subscribed topics, or null when the metadata is not a consumer subscription. */
export function subscribedTopics(metadata: Buffer): string[] | null {
  try {
    const r = new Reader(metadata);
    r.int16();
    const count = r.int32();
    if (count < 0) return null;
    const topics: string[] = [];
    for (let i = 0; i < count; i++) {
      const length = r.int16();
      if (length < 0) return null;
      topics.push(r.utf8(length));
    }
    return topics;
  } catch (error) {
    if (error instanceof MalformedMessageError) return null;
    throw error;
  }
}
