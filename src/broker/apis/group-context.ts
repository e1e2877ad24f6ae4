// What the group APIs share: error names to codes, which partitions offsets may be kept for, and how a
// member's client is described (Kafka's DescribeGroups shows the client id and "/address" of the
// connection that joined).
import { ERRORS, type ErrorName } from '../../protocol/errors.ts';
import type { ApiContext } from './api.ts';

export function codeOf(error: ErrorName | undefined): number {
  return error ? ERRORS[error].code : 0;
}

/** Whether the topic exists with this partition: offsets of any other are UNKNOWN_TOPIC_OR_PARTITION. */
export function isKnownPartition(ctx: ApiContext, topic: string, partition: number): boolean {
  const info = ctx.broker.metadata.topic(topic);
  return info !== undefined && partition >= 0 && partition < info.partitions;
}

/**
 * The client's address as Kafka prints an InetAddress: "/127.0.0.1". Java sees an IPv4 client of a
 * dual-stack listener as IPv4, so Node's IPv4-mapped form (::ffff:127.0.0.1) loses its prefix.
 */
export function clientHostOf(ctx: ApiContext): string {
  const remote = ctx.connection.remote;
  const colon = remote.lastIndexOf(':');
  const address = colon > 0 ? remote.slice(0, colon) : remote;
  return `/${address.replace(/^::ffff:/, '')}`;
}

export function clientIdOf(ctx: ApiContext): string {
  return ctx.header.clientId ?? '';
}
