// A request for a consumer instance this replica does not hold, relayed to the replica that holds it:
// same method, path, query, Content-Type/Accept and JSON body; the owner's status, Content-Type and body
// come back unchanged. A relayed request carries a header saying so and is never relayed again, so two
// replicas with stale views of the directory cannot bounce a request between them.
import { KAFKA_JSON } from '../content-types.ts';
import { notFound } from '../errors.ts';
import type { BridgeOperation, OperationReply, OperationRequest } from '../routes.ts';
import type { InstanceDirectory } from './instance-directory.ts';

/** Set on a relayed request, naming the replica that relayed it. */
export const FORWARDED_BY_HEADER = 'x-nagare-bridge-forwarded-by';

/** How long the owner may take beyond the request's own `timeout` (poll) before it counts as unreachable. */
export const FORWARD_TIMEOUT_MS = 30_000;

export interface ForwardedRequest {
  url: string;
  method: BridgeOperation['method'];
  headers: Record<string, string>;
  body: string | undefined;
  timeoutMs: number;
}

/** The request to send to `owner` for `request` (pure: no I/O). */
export function forwardedRequest(
  owner: string,
  selfUrl: string,
  operation: BridgeOperation,
  request: OperationRequest,
): ForwardedRequest {
  const path = operation.path.replace(/\{([^}]+)\}/g, (_, name: string) =>
    encodeURIComponent(request.params[name] ?? ''),
  );
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(request.query)) if (value !== undefined) query.set(name, value);
  const search = query.size > 0 ? `?${query}` : '';
  const headers: Record<string, string> = { [FORWARDED_BY_HEADER]: selfUrl };
  const accept = headerValue(request.headers.accept);
  if (accept !== undefined) headers.accept = accept;
  let body: string | undefined;
  if (request.body !== undefined) {
    body = JSON.stringify(request.body);
    headers['content-type'] = headerValue(request.headers['content-type']) ?? KAFKA_JSON;
  }
  const pollTimeout = Number(request.query.timeout);
  const timeoutMs = FORWARD_TIMEOUT_MS + (Number.isFinite(pollTimeout) && pollTimeout > 0 ? pollTimeout : 0);
  return {
    url: `${owner.replace(/\/+$/, '')}${path}${search}`,
    method: operation.method,
    headers,
    body,
    timeoutMs,
  };
}

/**
 * Relays `request` to the replica holding its instance. Undefined when there is nothing to relay to: no
 * directory, no other replica holding the instance, or the request was relayed to us already. An owner
 * that does not answer loses its entry and the client gets a 404 naming it.
 */
export async function forwardToOwner(
  directory: InstanceDirectory | undefined,
  operation: BridgeOperation,
  request: OperationRequest,
): Promise<OperationReply | undefined> {
  if (directory === undefined || request.headers[FORWARDED_BY_HEADER] !== undefined) return undefined;
  const { groupid, name } = request.params;
  if (groupid === undefined || name === undefined) return undefined;
  const owner = await directory.ownerOf(groupid, name);
  if (owner === undefined) return undefined;
  const forwarded = forwardedRequest(owner, directory.selfUrl, operation, request);
  try {
    const response = await fetch(forwarded.url, {
      method: forwarded.method,
      headers: forwarded.headers,
      body: forwarded.body,
      signal: AbortSignal.timeout(forwarded.timeoutMs),
    });
    const text = await response.text();
    const contentType = response.headers.get('content-type') ?? undefined;
    return text === '' ? { status: response.status } : { status: response.status, contentType, body: text };
  } catch (err) {
    await directory.forget(groupid, name, owner);
    const reason = (err as Error & { cause?: Error }).cause?.message ?? (err as Error).message;
    const error = notFound(
      `The specified consumer instance was not found. Bridge replica ${owner}, which held it, did not answer (${reason}).`,
    );
    return { status: 404, contentType: KAFKA_JSON, body: error.body() };
  }
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}
