// One client connection: frames in, responses out, strictly in order. Like Kafka, a connection handles one
// request at a time (clients may pipeline; later requests wait in a bounded queue), so per-connection
// ordering needs no further bookkeeping. Bad input closes this connection only.
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { FrameReader } from './frame-reader.ts';

export interface ConnectionInfo {
  readonly id: number;
  readonly remote: string;
  readonly listenerName: string;
}

/** Answers one request frame: the response chunks, or null when the request wants no answer (acks=0). */
export type FrameHandler = (frame: Buffer, connection: ConnectionInfo) => Promise<Buffer[] | null>;

/** A request the connection cannot answer: the connection is closed, the broker goes on. */
export class ConnectionFatalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConnectionFatalError';
  }
}

/** Frames queued beyond this make the connection stop reading until the queue drains. */
const MAX_QUEUED_FRAMES = 32;

export class Connection implements ConnectionInfo {
  readonly id: number;
  readonly remote: string;
  readonly listenerName: string;
  private readonly socket: Socket;
  private readonly handler: FrameHandler;
  private readonly logger: Logger;
  private readonly reader: FrameReader;
  private readonly queue: Buffer[] = [];
  private running = false;
  private closed = false;

  constructor(
    socket: Socket,
    options: {
      id: number;
      listenerName: string;
      maxFrameBytes: number;
      handler: FrameHandler;
      logger: Logger;
    },
  ) {
    this.socket = socket;
    this.id = options.id;
    this.listenerName = options.listenerName;
    this.remote = `${socket.remoteAddress}:${socket.remotePort}`;
    this.handler = options.handler;
    this.logger = options.logger;
    this.reader = new FrameReader(options.maxFrameBytes);
    socket.setNoDelay(true);
    socket.on('data', (chunk) => this.onData(chunk));
    socket.on('error', (err) => this.logger.debug({ err, remote: this.remote }, 'connection error'));
    socket.on('close', () => {
      this.closed = true;
      this.queue.length = 0;
    });
  }

  private onData(chunk: Buffer): void {
    const { frames, error } = this.reader.push(chunk);
    for (const frame of frames) this.queue.push(frame);
    if (error) {
      this.close(error);
      return;
    }
    if (this.queue.length >= MAX_QUEUED_FRAMES) this.socket.pause();
    if (!this.running) void this.drainQueue();
  }

  private async drainQueue(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.length > 0 && !this.closed) {
        const frame = this.queue.shift()!;
        if (this.queue.length < MAX_QUEUED_FRAMES / 2 && this.socket.isPaused()) this.socket.resume();
        let response: Buffer[] | null;
        try {
          response = await this.handler(frame, this);
        } catch (err) {
          if (err instanceof ConnectionFatalError) this.close(err.message);
          else {
            this.logger.error({ err, remote: this.remote }, 'unexpected error while handling a request');
            this.close('internal error');
          }
          return;
        }
        if (response && !this.closed) await this.write(response);
      }
    } finally {
      this.running = false;
    }
  }

  private write(chunks: Buffer[]): Promise<void> {
    const socket = this.socket;
    let ok = true;
    if (chunks.length === 1) ok = socket.write(chunks[0]);
    else {
      socket.cork();
      for (const chunk of chunks) ok = socket.write(chunk);
      socket.uncork();
    }
    if (ok) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        socket.off('drain', done);
        socket.off('close', done);
        resolve();
      };
      socket.once('drain', done);
      socket.once('close', done);
    });
  }

  close(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.logger.info({ remote: this.remote, listener: this.listenerName, reason }, 'closing connection');
    this.queue.length = 0;
    this.socket.destroy();
  }
}
