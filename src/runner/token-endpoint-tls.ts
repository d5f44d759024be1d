// The token request of `pm-oauth2 run`'s in-process auth goes through the TLS settings Newman uses for
// the API: client certificates (--ssl-client-cert-list first, then --ssl-client-cert, as Newman
// orders them), extra CA certificates, and -k. The script path needs none of this: pm.sendRequest
// goes through Newman's own requester.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { rootCertificates } from 'node:tls';
import { PmOAuth2Error } from '../errors.js';
import { parseJsonText } from '../json-text.js';

export interface TlsOptions {
  readonly ca?: string[];
  readonly cert?: Buffer;
  readonly key?: Buffer;
  readonly passphrase?: string;
  readonly rejectUnauthorized: boolean;
}

interface CertificateEntry {
  key?: { src?: string };
  cert?: { src?: string };
  passphrase?: string;
}

interface CertificateList {
  resolveOne(url: string): CertificateEntry | undefined;
}

/** What newman.run was given (newman-options.ts). */
export interface NewmanTlsOptions {
  readonly insecure?: boolean;
  readonly sslClientCert?: string;
  readonly sslClientKey?: string;
  readonly sslClientPassphrase?: string;
  readonly sslClientCertList?: string;
  readonly sslExtraCaCerts?: string;
}

/** The TLS options for a token URL; read once per job (files are read when the job starts). */
export function tokenEndpointTls(options: NewmanTlsOptions): (url: string) => TlsOptions {
  const ca = options.sslExtraCaCerts
    ? [...rootCertificates, readText(options.sslExtraCaCerts, '--ssl-extra-ca-certs')]
    : undefined;
  const list = certificateList(options);
  const cache = new Map<string, TlsOptions>();
  return (url) => {
    let tls = cache.get(url);
    if (!tls) {
      const entry = list?.resolveOne(url);
      tls = {
        ...(ca ? { ca } : {}),
        ...(entry?.cert?.src ? { cert: readFile(entry.cert.src, 'the client certificate') } : {}),
        ...(entry?.key?.src ? { key: readFile(entry.key.src, "the client certificate's key") } : {}),
        ...(entry?.passphrase ? { passphrase: entry.passphrase } : {}),
        rejectUnauthorized: options.insecure !== true,
      };
      cache.set(url, tls);
    }
    return tls;
  };
}

/** Newman's own reading: the list's entries first, then the single certificate for every URL. */
function certificateList(options: NewmanTlsOptions): CertificateList | undefined {
  const entries: object[] = [];
  if (options.sslClientCertList) {
    const text = readText(options.sslClientCertList, '--ssl-client-cert-list');
    const parsed = parseJsonText(text);
    if (!parsed.ok || !Array.isArray(parsed.value)) {
      throw new PmOAuth2Error(
        'USAGE',
        `${options.sslClientCertList}: ${parsed.ok ? 'not a JSON list' : `not JSON (${parsed.where})`} — --ssl-client-cert-list takes a JSON list, as newman does`,
      );
    }
    entries.push(...(parsed.value as object[]));
  }
  if (options.sslClientCert) {
    entries.push({
      name: 'client-cert',
      matches: ['<all_urls>'],
      key: { src: options.sslClientKey },
      cert: { src: options.sslClientCert },
      passphrase: options.sslClientPassphrase,
    });
  }
  if (!entries.length) return undefined;
  const sdk = createRequire(createRequire(import.meta.url).resolve('newman'))('postman-collection') as {
    CertificateList: new (parent: object, list: object[]) => CertificateList;
  };
  return new sdk.CertificateList({}, entries);
}

function readText(file: string, option: string): string {
  return readFile(file, option).toString('utf8');
}

function readFile(file: string, what: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new PmOAuth2Error(
      'USAGE',
      `${file} (${what}) cannot be read: ${(error as NodeJS.ErrnoException).code ?? 'error'} — check the path`,
      { cause: error },
    );
  }
}
