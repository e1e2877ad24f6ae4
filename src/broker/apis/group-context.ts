// What the group APIs share: error names to codes, and how a member's client is described (Kafka's
// DescribeGroups shows the client id and "/address" of the connection that joined).
import { ERRORS, type ErrorName } from '../../protocol/errors.ts';
import type { ApiContext } from './api.ts';

export function codeOf(error: ErrorName | undefined): number {
  return error ? ERRORS[error].code : 0;
}

/** The client's address as Kafka prints an InetAddress: "/127.0.0.1". */
export function clientHostOf(ctx: ApiContext): string {
  const remote = ctx.connection.remote;
  const colon = remote.lastIndexOf(':');
  return `/${colon > 0 ? remote.slice(0, colon) : remote}`;
}

export function clientIdOf(ctx: ApiContext): string {
  return ctx.header.clientId ?? '';
}
