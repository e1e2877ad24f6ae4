// The base_uri a created consumer instance answers with, built as Strimzi builds it: scheme and host of
// the request (its Host header), unless a proxy says otherwise with `Forwarded: host=…;proto=…` (both
// needed) or else X-Forwarded-Host with X-Forwarded-Proto; the path from X-Forwarded-Path or the
// request's own; a host without a port gets the scheme's default one. Pure.
import { BridgeHttpError } from '../errors.ts';
import { firstHeaderValue as first } from '../proxy-headers.ts';

export type Headers = Record<string, string | string[] | undefined>;

/**
 * `requestPath` is the path of the creation request, e.g. /consumers/my-group; `ownScheme` the bridge's
 * (https when it serves TLS).
 */
export function consumerBaseUri(
  headers: Headers,
  requestPath: string,
  name: string,
  ownScheme: 'http' | 'https' = 'http',
): string {
  let scheme: string = ownScheme;
  let host = first(headers.host) ?? 'localhost';
  const forwarded = first(headers.forwarded);
  if (forwarded) {
    const forwardedHost = /host=([^;]+)/i.exec(forwarded)?.[1];
    const forwardedProto = /proto=([^;]+)/i.exec(forwarded)?.[1];
    if (forwardedHost && forwardedProto) {
      host = forwardedHost;
      scheme = forwardedProto;
    }
  } else {
    const forwardedHost = first(headers['x-forwarded-host']);
    const forwardedProto = first(headers['x-forwarded-proto']);
    if (forwardedHost && forwardedProto) {
      host = forwardedHost;
      scheme = forwardedProto;
    }
  }
  const path = first(headers['x-forwarded-path']) || requestPath;
  if (!/:[0-9]+$/.test(host)) {
    if (scheme === 'http') host += ':80';
    else if (scheme === 'https') host += ':443';
    else throw new BridgeHttpError(500, `${scheme} is not a valid schema/proto.`);
  }
  const base = path.endsWith('/') ? path : `${path}/`;
  return `${scheme}://${host}${base}instances/${name}`;
}
