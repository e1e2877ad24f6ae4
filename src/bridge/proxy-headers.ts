// Reading the headers a proxy or gateway in front of the bridge sets (Forwarded, X-Forwarded-*), which
// decide the base_uri of consumer instances and the server of the served OpenAPI document.

/**
 * The first value of a header, or undefined when absent or empty: a header sent more than once, or
 * holding a comma-separated list, was extended by each proxy on the way, and the first value is the
 * one nearest the client.
 */
export function firstHeaderValue(value: string | string[] | undefined): string | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  return text?.split(',')[0]?.trim() || undefined;
}
