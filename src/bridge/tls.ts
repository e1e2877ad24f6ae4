// TLS on the bridge's API port, configured with the Strimzi bridge's http.ssl.* properties: a PEM
// certificate and key (files or inline), the enabled protocols and cipher suites. Strimzi's users name
// cipher suites in the IANA form Java uses (TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256); Node's TLS takes
// OpenSSL's names (ECDHE-RSA-AES128-GCM-SHA256), so IANA names are translated, and either form is
// checked against what this Node's OpenSSL supports before the bridge starts.
import { readFile } from 'node:fs/promises';
import { getCiphers, type SecureVersion } from 'node:tls';

/** A PEM value given inline or as the path of a file holding it. */
export type PemSource = { path: string } | { pem: string };

export interface BridgeTlsConfig {
  certificate: PemSource;
  key: PemSource;
  protocols: SecureVersion[];
  /** OpenSSL names, already checked; undefined leaves Node's defaults. */
  cipherSuites: string[] | undefined;
}

/** What Node's https server takes for the API port. */
export interface HttpsOptions {
  cert: string;
  key: string;
  minVersion: SecureVersion;
  maxVersion: SecureVersion;
  ciphers?: string;
}

const PROTOCOL_ORDER: SecureVersion[] = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];

/**
 * The enabled protocols as Node can apply them: Node's TLS sets a lowest and a highest version, so the
 * set must be a contiguous run of versions. Throws a message saying what is wrong otherwise.
 */
export function protocolRange(protocols: string[]): { min: SecureVersion; max: SecureVersion } {
  const indexes = protocols.map((protocol) => {
    const index = PROTOCOL_ORDER.indexOf(protocol as SecureVersion);
    if (index < 0)
      throw new Error(`unknown protocol '${protocol}', expected some of ${PROTOCOL_ORDER.join(', ')}`);
    return index;
  });
  const min = Math.min(...indexes);
  const max = Math.max(...indexes);
  if (new Set(indexes).size !== max - min + 1) {
    throw new Error(
      `the protocols must be consecutive versions (Node's TLS enables a range from a lowest to a highest), e.g. ${PROTOCOL_ORDER.slice(min, max + 1).join(',')}`,
    );
  }
  return { min: PROTOCOL_ORDER[min] as SecureVersion, max: PROTOCOL_ORDER[max] as SecureVersion };
}

/**
 * The OpenSSL name of a cipher suite given in IANA form (TLS 1.2 suites with key exchange and cipher);
 * TLS 1.3 suites keep their names, and OpenSSL names pass unchanged.
 */
export function openSslCipherName(name: string): string {
  const iana = /^TLS_(\w+?)_WITH_(\w+)$/.exec(name);
  if (!iana) return name;
  const [, exchange = '', cipher = ''] = iana;
  const parts = exchange === 'RSA' ? [] : exchange.split('_');
  const aes = /^AES_(\d+)_(GCM|CBC)_(SHA\d*)$/.exec(cipher);
  if (aes) {
    const [, bits, mode, mac] = aes;
    // OpenSSL leaves out CBC, and names the SHA-1 MAC plain SHA.
    parts.push(mode === 'GCM' ? `AES${bits}-GCM-${mac}` : `AES${bits}-${mac}`);
  } else if (cipher === 'CHACHA20_POLY1305_SHA256') {
    parts.push('CHACHA20-POLY1305');
  } else {
    return name;
  }
  return parts.join('-');
}

/** The suites as OpenSSL names; throws naming the first one this Node's OpenSSL does not have. */
export function openSslCipherSuites(names: string[]): string[] {
  const supported = new Set(getCiphers());
  return names.map((name) => {
    const openSsl = openSslCipherName(name);
    if (!supported.has(openSsl.toLowerCase())) {
      throw new Error(`'${name}' is not a cipher suite this bridge's TLS library supports`);
    }
    return openSsl;
  });
}

/** Reads the certificate and key and gives the options for the https server. */
export async function httpsOptions(tls: BridgeTlsConfig): Promise<HttpsOptions> {
  const { min, max } = protocolRange(tls.protocols);
  const [cert, key] = await Promise.all([
    readPem(tls.certificate, 'http.ssl.certificate.location'),
    readPem(tls.key, 'http.ssl.key.location'),
  ]);
  return {
    cert,
    key,
    minVersion: min,
    maxVersion: max,
    ...(tls.cipherSuites ? { ciphers: tls.cipherSuites.join(':') } : {}),
  };
}

async function readPem(source: PemSource, property: string): Promise<string> {
  if ('pem' in source) return source.pem;
  try {
    return await readFile(source.path, 'utf8');
  } catch (err) {
    throw new Error(`${property}: cannot read '${source.path}': ${(err as Error).message}`, { cause: err });
  }
}
