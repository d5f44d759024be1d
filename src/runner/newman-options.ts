// `newman run`'s own options, under the same names and with the same meaning, so that a CI job's
// `newman run …` line works with `newman` replaced by `pm-oauth2`. Each is handed to Newman's
// programmatic API as its CLI would hand it. The options pm-oauth2 handles itself (environment,
// variables, reporters, exports, time-outs) are in the run command; test/cli/newman-parity.test.ts
// checks that together they cover every option the installed `newman run --help` lists.
import { resolve } from 'node:path';
import { PmOAuth2Error } from '../errors.js';

type Kind = 'path' | 'paths' | 'number' | 'boolean' | 'string' | 'secret';

export interface PassThroughOption {
  /** The long option, as `newman run --help` prints it. */
  readonly flag: string;
  readonly alias?: string;
  readonly kind: Kind;
  /** Its key in newman.run's options. */
  readonly key: string;
  readonly describe: string;
  /** A TLS setting: the token request takes it too (token-endpoint-tls.ts), and so does doctor. */
  readonly tls?: true;
}

export const PASS_THROUGH: readonly PassThroughOption[] = [
  {
    flag: 'iteration-data',
    alias: 'd',
    kind: 'path',
    key: 'iterationData',
    describe: 'a data file for iterations (JSON or CSV), as in newman',
  },
  { flag: 'folder', kind: 'paths', key: 'folder', describe: 'run only this folder (repeatable), as in newman' },
  { flag: 'delay-request', kind: 'number', key: 'delayRequest', describe: 'delay between requests, in ms' },
  { flag: 'timeout', kind: 'number', key: 'timeout', describe: "time-out of each collection's run, in ms (0 = none)" },
  {
    flag: 'timeout-script',
    kind: 'number',
    key: 'timeoutScript',
    describe: 'time-out of each script, in ms (0 = none)',
  },
  { flag: 'ignore-redirects', kind: 'boolean', key: 'ignoreRedirects', describe: 'do not follow 3xx redirects' },
  {
    flag: 'insecure',
    tls: true,
    alias: 'k',
    kind: 'boolean',
    key: 'insecure',
    describe: 'do not verify TLS certificates (API and token endpoint)',
  },
  {
    flag: 'ssl-client-cert',
    tls: true,
    kind: 'path',
    key: 'sslClientCert',
    describe: 'client certificate (PEM), for the API and the token endpoint',
  },
  {
    flag: 'ssl-client-key',
    tls: true,
    kind: 'path',
    key: 'sslClientKey',
    describe: "the client certificate's private key (PEM)",
  },
  {
    flag: 'ssl-client-passphrase',
    tls: true,
    kind: 'secret',
    key: 'sslClientPassphrase',
    describe: "the private key's passphrase (masked in every output)",
  },
  {
    flag: 'ssl-client-cert-list',
    tls: true,
    kind: 'path',
    key: 'sslClientCertList',
    describe: 'client certificates per host (JSON), as in newman',
  },
  {
    flag: 'ssl-extra-ca-certs',
    tls: true,
    kind: 'path',
    key: 'sslExtraCaCerts',
    describe: 'more trusted CA certificates (PEM), for the API and the token endpoint',
  },
  { flag: 'working-dir', kind: 'path', key: 'workingDir', describe: 'the folder file uploads are read from' },
  {
    flag: 'insecure-file-read',
    kind: 'boolean',
    key: 'insecureFileRead',
    describe: 'read files outside the working folder (--no-insecure-file-read forbids it)',
  },
  { flag: 'cookie-jar', kind: 'path', key: 'cookieJar', describe: 'a cookie jar to start from (tough-cookie JSON)' },
  { flag: 'export-cookie-jar', kind: 'path', key: 'exportCookieJar', describe: 'write the cookie jar after the run' },
  { flag: 'color', kind: 'string', key: 'color', describe: 'coloured output: auto, on or off (NO_COLOR turns it off)' },
  {
    flag: 'disable-unicode',
    kind: 'boolean',
    key: 'disableUnicode',
    describe: 'plain-text symbols instead of Unicode ones',
  },
  { flag: 'silent', kind: 'boolean', key: 'silent', describe: "no output from Newman's cli reporter" },
];

/** newman run options pm-oauth2 does not take, and why. */
export const REFUSED: Readonly<Record<string, string>> = {
  'postman-api-key':
    'pm-oauth2 run reads collections and environments from files: download them with the Postman API first, then pass the files',
  // The cli reporter cuts bodies into lines of ~54 characters: a token or secret split across two
  // lines is no longer the value any redaction looks for.
  verbose:
    'it prints request and response bodies (token responses included) cut into short lines, where no redaction can find a secret or token — use -r json for full, redacted request and response details',
};

/**
 * The yargs definition of each pass-through option (no defaults: Newman's own apply).
 * @param which all of them, or the TLS ones only
 */
export function passThroughYargs(
  which: 'all' | 'tls' = 'all',
): Record<
  string,
  { alias?: string; type: 'string' | 'number' | 'boolean' | 'array'; describe: string; group: string }
> {
  const group = 'Newman options (as in newman run):';
  return Object.fromEntries(
    PASS_THROUGH.filter((o) => which === 'all' || o.tls).map((o) => [
      o.flag,
      {
        ...(o.alias ? { alias: o.alias } : {}),
        type:
          o.kind === 'paths'
            ? ('array' as const)
            : o.kind === 'number'
              ? ('number' as const)
              : o.kind === 'boolean'
                ? ('boolean' as const)
                : ('string' as const),
        describe: o.describe,
        group,
      },
    ]),
  );
}

const camel = (flag: string): string => flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/**
 * newman.run's options for what the command line set, paths taken from `cwd`.
 * @param args yargs' parsed arguments (camel-cased keys)
 */
export function newmanRunOptions(args: Readonly<Record<string, unknown>>, cwd: string): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  for (const option of PASS_THROUGH) {
    const value = args[camel(option.flag)];
    if (value === undefined) continue;
    options[option.key] = convert(option, value, cwd);
  }
  return options;
}

function convert(option: PassThroughOption, value: unknown, cwd: string): unknown {
  switch (option.kind) {
    case 'path':
      return resolve(cwd, String(value));
    case 'paths':
      return (value as unknown[]).map(String);
    case 'number': {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 0)
        throw new PmOAuth2Error(
          'USAGE',
          `--${option.flag} takes a whole number of milliseconds ≥ 0, not "${String(value)}"`,
        );
      return n;
    }
    case 'string':
      if (option.flag === 'color' && !['auto', 'on', 'off'].includes(String(value)))
        throw new PmOAuth2Error('USAGE', `--color takes auto, on or off, not "${String(value)}"`);
      return String(value);
    default:
      return value;
  }
}

/** The values of secret options: the redactor masks them wherever they appear. */
export function secretOptionValues(args: Readonly<Record<string, unknown>>): string[] {
  return PASS_THROUGH.filter((o) => o.kind === 'secret')
    .map((o) => args[camel(o.flag)])
    .filter((v): v is string => typeof v === 'string' && v !== '');
}
