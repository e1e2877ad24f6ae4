// A small Kafka-protocol client for tests that need to control every byte: send any bytes (malformed
// frames included), or encode a request at an exact API version, and see what the broker does with it:
// which response frames come back, in order, and whether and when it closes the connection.
// Responses are matched to requests strictly in order, as Kafka answers a connection's requests; one
// caller at a time reads a connection's events.
import { connect, type Socket } from 'node:net';
import { FrameReader } from '../../src/broker/server/frame-reader.ts';
import type { Message } from '../../src/protocol/codec.ts';
import { decodeResponse, encodeRequest } from '../../src/protocol/frames.ts';
import { buildBatchSync, type ParsedBatch, parseBatchSync } from '../../src/protocol/records/batch.ts';
import { splitBatches } from '../../src/protocol/records/validate.ts';
import { API_KEYS } from '../../src/protocol/schema/messages.generated.ts';

/** Response frames can be large (a Fetch of a whole partition); a size beyond this is a broker bug. */
const MAX_RESPONSE_BYTES = 512 * 1024 * 1024;
const DEFAULT_TIMEOUT_MS = 10_000;

/** Something the broker did on a connection: answered with a frame, or closed it. */
export type BrokerEvent = { kind: 'frame'; frame: Buffer } | { kind: 'closed' };

export class ProtocolTimeoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtocolTimeoutError';
  }
}

export class RawClient {
  readonly #socket: Socket;
  readonly #reader = new FrameReader(MAX_RESPONSE_BYTES);
  readonly #events: BrokerEvent[] = [];
  #waiter: (() => void) | undefined;
  #closed = false;
  /** Why the broker's bytes were not a valid stream of response frames, if they were not. */
  #violation: string | undefined;
  #nextCorrelationId = 1;
  readonly clientId: string | null;

  private constructor(socket: Socket, clientId: string | null) {
    this.#socket = socket;
    this.clientId = clientId;
    socket.setNoDelay(true);
    socket.on('data', (chunk) => {
      const { frames, error } = this.#reader.push(chunk);
      for (const frame of frames) this.#push({ kind: 'frame', frame });
      if (error) {
        this.#violation = `the broker sent a bad response frame: ${error}`;
        socket.destroy();
      }
    });
    // Reset by the broker is one of the ways a connection ends; the test sees it as 'closed'.
    socket.on('error', () => {});
    socket.on('close', () => {
      this.#closed = true;
      this.#push({ kind: 'closed' });
    });
  }

  static connect(
    port: number,
    options: {
      host?: string;
      /**
       * Source address. Tens of thousands of short connections from one address recycle its ephemeral
       * ports while the broker still holds them in TIME_WAIT, and such a reused connection can stall for
       * seconds in TCP retransmits; a source address of its own (any of 127.0.0.0/8) keeps each apart.
       */
      localAddress?: string;
      clientId?: string | null;
      timeoutMs?: number;
    } = {},
  ): Promise<RawClient> {
    const host = options.host ?? '127.0.0.1';
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port, localAddress: options.localAddress });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new ProtocolTimeoutError(`connect to ${host}:${port} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(new RawClient(socket, options.clientId === undefined ? 'nagare-raw' : options.clientId));
      });
    });
  }

  get isClosed(): boolean {
    return this.#closed;
  }

  #push(event: BrokerEvent): void {
    this.#events.push(event);
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.();
  }

  /** Writes raw bytes; after the broker closed the connection, bytes are dropped. */
  write(bytes: Buffer): void {
    if (!this.#closed && !this.#socket.destroyed) this.#socket.write(bytes);
  }

  /** Half-closes: the broker sees end of stream, as from a client that sent all it had. */
  end(): void {
    if (!this.#socket.destroyed) this.#socket.end();
  }

  destroy(): void {
    this.#socket.destroy();
  }

  /**
   * The broker's next action: a response frame (without its size prefix) or the close of the
   * connection (reported again on every later call). Throws when neither happens in time, or when the
   * broker sent bytes that are not a response frame.
   */
  async next(timeoutMs = DEFAULT_TIMEOUT_MS): Promise<BrokerEvent> {
    const deadline = Date.now() + timeoutMs;
    while (this.#events.length === 0) {
      const left = deadline - Date.now();
      if (left <= 0) throw new ProtocolTimeoutError(`no response and no close within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    const event = this.#events[0];
    if (event.kind === 'closed' && this.#violation) throw new Error(this.#violation);
    if (event.kind === 'frame') this.#events.shift();
    return event;
  }

  /** The next response frame; throws if the broker closes the connection instead. */
  async nextFrame(timeoutMs = DEFAULT_TIMEOUT_MS): Promise<Buffer> {
    const event = await this.next(timeoutMs);
    if (event.kind === 'closed') throw new Error('the broker closed the connection instead of answering');
    return event.frame;
  }

  /** Resolves once the broker has closed the connection; throws if it answers or stays open instead. */
  async expectClose(timeoutMs = DEFAULT_TIMEOUT_MS): Promise<void> {
    const event = await this.next(timeoutMs);
    if (event.kind === 'frame') {
      throw new Error(`expected the broker to close the connection, it answered ${event.frame.length} bytes`);
    }
  }

  /** Encodes a request at exactly this version and writes it; returns its correlation id. */
  send(apiKey: number, version: number, body: Message): number {
    const correlationId = this.#nextCorrelationId++;
    this.write(encodeRequest(apiKey, version, correlationId, this.clientId, body));
    return correlationId;
  }

  /** Reads the next response frame as the answer to request `correlationId` of that API and version. */
  async receive(
    apiKey: number,
    version: number,
    correlationId: number,
    timeoutMs?: number,
  ): Promise<Message> {
    const frame = await this.nextFrame(timeoutMs);
    const response = decodeResponse(apiKey, version, frame);
    if (response.correlationId !== correlationId) {
      throw new Error(`response has correlation id ${response.correlationId}, expected ${correlationId}`);
    }
    return response.body;
  }

  /** One request and its response; nothing else may be outstanding on this connection. */
  async request(apiKey: number, version: number, body: Message, timeoutMs?: number): Promise<Message> {
    return this.receive(apiKey, version, this.send(apiKey, version, body), timeoutMs);
  }
}

/** Opens a connection, runs `use`, and always closes it. */
export async function withRawClient<T>(port: number, use: (client: RawClient) => Promise<T>): Promise<T> {
  const client = await RawClient.connect(port);
  try {
    return await use(client);
  } finally {
    client.destroy();
  }
}

// ---------- a few whole operations, for tests that drive the broker through RawClient ----------

/** CreateTopics v7; throws with Kafka's error unless the topic was created. */
export async function createTopic(
  client: RawClient,
  name: string,
  partitions: number,
  configs: Record<string, string> = {},
): Promise<void> {
  const response = await client.request(API_KEYS.CreateTopics, 7, {
    topics: [
      {
        name,
        numPartitions: partitions,
        replicationFactor: 1,
        assignments: [],
        configs: Object.entries(configs).map(([configName, value]) => ({ name: configName, value })),
      },
    ],
    timeoutMs: 10_000,
    validateOnly: false,
  });
  const [topic] = response.topics as Message[];
  if (topic.errorCode !== 0) {
    throw new Error(`CreateTopics ${name}: error ${topic.errorCode} ${topic.errorMessage ?? ''}`);
  }
}

/** The log end offset (ListOffsets v7, latest) of one partition. */
export async function latestOffset(client: RawClient, topic: string, partition: number): Promise<bigint> {
  const response = await client.request(API_KEYS.ListOffsets, 7, {
    replicaId: -1,
    isolationLevel: 0,
    topics: [{ name: topic, partitions: [{ partitionIndex: partition, timestamp: -1n }] }],
  });
  const [result] = (response.topics as Message[])[0].partitions as Message[];
  if (result.errorCode !== 0) throw new Error(`ListOffsets ${topic}-${partition}: error ${result.errorCode}`);
  return result.offset as bigint;
}

/**
 * Every batch of a partition from `fromOffset` up to the high watermark, through Fetch v12. Each batch is
 * parsed whole: a bad CRC, size or record throws, so whatever this returns was served intact.
 */
export async function fetchAllBatches(
  client: RawClient,
  topic: string,
  partition: number,
  fromOffset = 0n,
): Promise<{ batches: ParsedBatch[]; highWatermark: bigint }> {
  const batches: ParsedBatch[] = [];
  let next = fromOffset;
  for (;;) {
    const response = await client.request(API_KEYS.Fetch, 12, {
      maxWaitMs: 0,
      minBytes: 0,
      maxBytes: 16 * 1024 * 1024,
      isolationLevel: 0,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [
        { topic, partitions: [{ partition, fetchOffset: next, partitionMaxBytes: 16 * 1024 * 1024 }] },
      ],
      forgottenTopicsData: [],
      rackId: '',
    });
    const [result] = (response.responses as Message[])[0].partitions as Message[];
    if (result.errorCode !== 0)
      throw new Error(`Fetch ${topic}-${partition} at ${next}: error ${result.errorCode}`);
    const highWatermark = result.highWatermark as bigint;
    if (next >= highWatermark) return { batches, highWatermark };
    const split = splitBatches((result.records as Buffer | null) ?? Buffer.alloc(0), {
      allowPartialTail: true,
    });
    if (!split.ok) throw new Error(`Fetch ${topic}-${partition} at ${next}: ${split.error.message}`);
    if (split.batches.length === 0) throw new Error(`Fetch ${topic}-${partition} at ${next}: no whole batch`);
    for (const bytes of split.batches) {
      const parsed = parseBatchSync(bytes);
      batches.push(parsed);
      next = parsed.header.baseOffset + BigInt(parsed.header.lastOffsetDelta) + 1n;
    }
  }
}

/** Produces `values` to one partition (acks all) with `timestamp` (default now); throws on an error. */
export async function produceValues(
  client: RawClient,
  topic: string,
  partition: number,
  values: string[],
  timestamp = Date.now(),
): Promise<void> {
  const response = await client.request(API_KEYS.Produce, 9, {
    transactionalId: null,
    acks: -1,
    timeoutMs: 5000,
    topicData: [
      {
        name: topic,
        partitionData: [
          {
            index: partition,
            records: buildBatchSync({
              records: values.map((v) => ({ value: Buffer.from(v), timestamp: BigInt(timestamp) })),
            }),
          },
        ],
      },
    ],
  });
  const errorCode = (response.responses as Message[])[0].partitionResponses[0].errorCode;
  if (errorCode !== 0) throw new Error(`Produce to ${topic}-${partition}: error ${errorCode}`);
}
