// A TCP listener: accepts connections and hands each to a Connection. Binding port 0 picks a free port;
// `port` tells which one after start.
import { createServer, type Server, type Socket } from 'node:net';
import type { Logger } from 'pino';
import { Connection, type FrameHandler } from './connection.ts';

export interface ListenerOptions {
  name: string;
  host: string;
  port: number;
  maxFrameBytes: number;
  handler: FrameHandler;
  logger: Logger;
}

let nextConnectionId = 1;

export class Listener {
  readonly name: string;
  readonly host: string;
  private readonly server: Server;
  private readonly options: ListenerOptions;
  private readonly sockets = new Set<Socket>();

  constructor(options: ListenerOptions) {
    this.options = options;
    this.name = options.name;
    this.host = options.host;
    this.server = createServer((socket) => this.accept(socket));
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    new Connection(socket, {
      id: nextConnectionId++,
      listenerName: this.name,
      maxFrameBytes: this.options.maxFrameBytes,
      handler: this.options.handler,
      logger: this.options.logger,
    });
  }

  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      // An empty host means every interface, as in Kafka's `PLAINTEXT://:9092`.
      this.server.listen({ host: this.options.host || undefined, port: this.options.port }, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
  }

  get port(): number {
    const address = this.server.address();
    return typeof address === 'object' && address ? address.port : this.options.port;
  }

  get connectionCount(): number {
    return this.sockets.size;
  }

  async stop(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }
}
