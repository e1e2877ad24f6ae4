// The test's own side of the group scenario, through @platformatic/kafka: the producer that feeds the
// topic (remembering what each partition was acknowledged for), and the group's committed offsets as
// an admin client reads them.
import { Admin, Producer } from '@platformatic/kafka';

/** Produces rounds of records, one batch per partition each, and keeps what was acknowledged. */
export class TopicProducer {
  /** produced[partition][offset]: the value acknowledged at that offset. */
  readonly produced: string[][];
  readonly #topic: string;
  readonly #producer: Producer;
  #pacing: Promise<void> | undefined;
  #stopPacing = false;

  /** `produced` is extended in place: a producer made after a broker restart carries on with it. */
  constructor(bootstrap: string, topic: string, produced: string[][]) {
    this.#topic = topic;
    this.produced = produced;
    // Idempotent: a request retried after an error (a topic just created may not have its leaders
    // yet) must not append the records that did get in a second time.
    this.#producer = new Producer({
      clientId: 'nagare-group-scenario',
      bootstrapBrokers: [bootstrap],
      idempotent: true,
    });
  }

  /** `perPartition` records to every partition in one request, acks=all; values name partition and offset. */
  async round(perPartition = 1): Promise<void> {
    const messages = this.produced.flatMap((records, partition) =>
      Array.from({ length: perPartition }, (_, i) => ({
        topic: this.#topic,
        partition,
        value: Buffer.from(`p${partition}-o${records.length + i}`),
      })),
    );
    const result = await this.#producer.send({ messages, acks: -1 });
    for (const [partition, records] of this.produced.entries()) {
      const base = result.offsets?.find((offset) => offset.partition === partition)?.offset;
      if (base !== BigInt(records.length))
        throw new Error(`partition ${partition}: acknowledged at offset ${base}, expected ${records.length}`);
      for (let i = 0; i < perPartition; i++) records.push(`p${partition}-o${records.length}`);
    }
  }

  /** Produces a round every `intervalMs` until stopPacing(); `afterRound` runs after each. */
  startPacing(intervalMs: number, afterRound: () => void): void {
    this.#stopPacing = false;
    this.#pacing = (async () => {
      while (!this.#stopPacing) {
        await this.round();
        afterRound();
        // A pace, not a wait for a condition: records keep arriving while the group changes.
        await new Promise((resolve) => setTimeout(resolve, intervalMs));
      }
    })();
  }

  async stopPacing(): Promise<void> {
    this.#stopPacing = true;
    await this.#pacing;
  }

  /** End offset of every partition. */
  ends(): number[] {
    return this.produced.map((records) => records.length);
  }

  async close(): Promise<void> {
    this.#stopPacing = true;
    await this.#pacing?.catch(() => {});
    await this.#producer.close();
  }
}

/** The group's committed offset per partition of `topic` (-1: none). */
export async function committedOffsets(
  bootstrap: string,
  group: string,
  topic: string,
  partitions: number,
): Promise<number[]> {
  const admin = new Admin({ clientId: 'nagare-group-scenario-admin', bootstrapBrokers: [bootstrap] });
  try {
    const [listed] = await admin.listConsumerGroupOffsets({ groups: [group] });
    const committed = listed?.topics.find((entry) => entry.name === topic)?.partitions ?? [];
    return Array.from({ length: partitions }, (_, partition) =>
      Number(committed.find((entry) => entry.partitionIndex === partition)?.committedOffset ?? -1),
    );
  } finally {
    await admin.close();
  }
}
