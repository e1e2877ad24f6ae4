// The bridge's media types and the negotiation rules around them, as pure functions: which embedded
// format a request body is in, whether a client accepts what a route answers with.

/** The bridge's own JSON: requests and responses that carry no Kafka record data. */
export const KAFKA_JSON = 'application/vnd.kafka.v2+json';
/** Plain JSON: GET / and the OpenAPI document. */
export const JSON_TYPE = 'application/json';

export const EMBEDDED_FORMATS = ['json', 'binary', 'text'] as const;
export type EmbeddedFormat = (typeof EMBEDDED_FORMATS)[number];

/** The media type of records whose keys and values are in `format`. */
export function embeddedType(format: EmbeddedFormat): string {
  return `application/vnd.kafka.${format}.v2+json`;
}

/** The media type of a Content-Type or Accept entry: parameters dropped, lower case. */
export function mediaType(header: string): string {
  return header.split(';')[0].trim().toLowerCase();
}

/** The embedded format a Content-Type names, or undefined when it names none. */
export function embeddedFormatOf(contentType: string | undefined): EmbeddedFormat | undefined {
  if (contentType === undefined) return undefined;
  const type = mediaType(contentType);
  return EMBEDDED_FORMATS.find((format) => embeddedType(format) === type);
}

/**
 * Whether an Accept header admits `type`. A missing or empty header accepts anything (RFC 9110), as do
 * `*\/*` and `application/*`; an entry with q=0 refuses the type.
 */
export function accepts(acceptHeader: string | undefined, type: string): boolean {
  if (acceptHeader === undefined || acceptHeader.trim() === '') return true;
  const [wantedMain] = type.split('/');
  return acceptHeader.split(',').some((entry) => {
    const [range, ...params] = entry.split(';');
    const refused = params.some((param) => /^\s*q\s*=\s*0(\.0*)?\s*$/.test(param));
    if (refused) return false;
    const media = range.trim().toLowerCase();
    return media === '*/*' || media === `${wantedMain}/*` || media === type;
  });
}
