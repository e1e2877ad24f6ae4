// Whole request and response frames: the 4-byte size prefix, the request/response header in the version
// the API and its version call for, and the body. Kafka's traps are kept here in one place:
// - ApiVersions responses always use response header v0, even for flexible versions (KIP-511), so that a
//   client can read the error of an unsupported version;
// - the request header's ClientId stays a non-compact nullable string even in header v2.
import { decodeMessage, encodeMessage, inRange, type Message } from './codec.ts';
import { MalformedMessageError, Reader } from './primitives/reader.ts';
import { Writer } from './primitives/writer.ts';
import { API_KEYS, APIS, RequestHeader as RequestHeaderSchema } from './schema/messages.generated.ts';
import type { ApiSchema } from './schema/types.ts';

export interface RequestHeader {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  clientId: string | null;
}

export function apiSchema(apiKey: number): ApiSchema | undefined {
  return APIS[apiKey];
}

export function isSupportedVersion(apiKey: number, version: number): boolean {
  const api = APIS[apiKey];
  return !!api && inRange(api.request.validVersions, version);
}

/** Request header v2 for flexible request versions, v1 otherwise. */
export function requestHeaderVersion(apiKey: number, version: number): number {
  const api = APIS[apiKey];
  return api && inRange(api.request.flexibleVersions, version) ? 2 : 1;
}

/** Response header v1 (with tagged fields) for flexible response versions, except ApiVersions: always v0. */
export function responseHeaderVersion(apiKey: number, version: number): number {
  if (apiKey === API_KEYS.ApiVersions) return 0;
  const api = APIS[apiKey];
  return api && inRange(api.response.flexibleVersions, version) ? 1 : 0;
}

/**
 * Reads the request header. For an unknown API or an unsupported version only the fixed part can be
 * trusted (key, version, correlation id); the client id and tagged fields are then read best-effort.
 */
export function decodeRequestHeader(r: Reader): RequestHeader {
  const start = r.pos;
  const apiKey = r.int16();
  const apiVersion = r.int16();
  const correlationId = r.int32();
  if (!isSupportedVersion(apiKey, apiVersion)) {
    let clientId: string | null = null;
    try {
      const n = r.int16();
      clientId = n < 0 ? null : r.utf8(n);
    } catch {
      // An unusable client id does not matter: the request is refused anyway.
    }
    return { apiKey, apiVersion, correlationId, clientId };
  }
  r.pos = start;
  const header = decodeMessage(RequestHeaderSchema, requestHeaderVersion(apiKey, apiVersion), r);
  return { apiKey, apiVersion, correlationId, clientId: header.clientId };
}

export interface DecodedRequest {
  header: RequestHeader;
  body: Message;
}

/** Decodes one request frame (without its size prefix). Throws MalformedMessageError on bad input. */
export function decodeRequest(frame: Buffer): DecodedRequest {
  const r = new Reader(frame);
  const header = decodeRequestHeader(r);
  const api = APIS[header.apiKey];
  if (!api || !inRange(api.request.validVersions, header.apiVersion)) {
    throw new MalformedMessageError(`unsupported API ${header.apiKey} v${header.apiVersion}`);
  }
  const body = decodeMessage(api.request, header.apiVersion, r);
  return { header, body };
}

/** Runs `build` after a 4-byte placeholder, then fills the placeholder with the frame size. */
function withSizePrefix(w: Writer, build: (w: Writer) => void): Buffer[] {
  w.int32(0);
  build(w);
  const chunks = w.chunksOut();
  chunks[0].writeInt32BE(w.length - 4, 0);
  return chunks;
}

/** Encodes a response frame, size prefix included, as chunks ready for a vectored socket write. */
export function encodeResponse(
  apiKey: number,
  version: number,
  correlationId: number,
  body: Message,
): Buffer[] {
  const api = APIS[apiKey];
  if (!api) throw new Error(`unknown API key ${apiKey}`);
  return withSizePrefix(new Writer(), (w) => {
    w.int32(correlationId);
    if (responseHeaderVersion(apiKey, version) >= 1) w.uvarint(0);
    encodeMessage(api.response, version, body, w);
  });
}

/** Encodes a request frame, size prefix included (used by tools and tests acting as a client). */
export function encodeRequest(
  apiKey: number,
  version: number,
  correlationId: number,
  clientId: string | null,
  body: Message,
): Buffer {
  const api = APIS[apiKey];
  if (!api) throw new Error(`unknown API key ${apiKey}`);
  const chunks = withSizePrefix(new Writer(), (w) => {
    encodeMessage(
      RequestHeaderSchema,
      requestHeaderVersion(apiKey, version),
      { requestApiKey: apiKey, requestApiVersion: version, correlationId, clientId },
      w,
    );
    encodeMessage(api.request, version, body, w);
  });
  return Buffer.concat(chunks);
}

/** Decodes a response frame (without its size prefix). */
export function decodeResponse(
  apiKey: number,
  version: number,
  frame: Buffer,
): { correlationId: number; body: Message } {
  const api = APIS[apiKey];
  if (!api) throw new Error(`unknown API key ${apiKey}`);
  const r = new Reader(frame);
  const correlationId = r.int32();
  if (responseHeaderVersion(apiKey, version) >= 1) {
    const tags = r.uvarint();
    for (let i = 0; i < tags; i++) {
      r.uvarint();
      r.skip(r.uvarint());
    }
  }
  return { correlationId, body: decodeMessage(api.response, version, r) };
}
