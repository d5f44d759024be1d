// The members of the Postman sandbox this script uses, and nothing more: with lib ES2020 and no
// @types, the compiler proves the bundle touches no Node API and no sandbox API beyond these.

interface PmVariableScope {
  has(name: string): boolean;
  get(name: string): unknown;
  set(name: string, value: string): void;
  unset(name: string): void;
}

interface PmHeaderList {
  get(name: string): string | undefined;
}

interface PmRequestHeaderList extends PmHeaderList {
  upsert(header: { key: string; value: string }): void;
}

interface PmResponse {
  code: number;
  headers: PmHeaderList;
  text(): string;
}

/** On newman 6.2.2 a plain object like {code: 'ECONNREFUSED'}, without message. */
interface PmSendRequestError {
  code?: string;
  message?: string;
}

interface PmRequestDefinition {
  url: string;
  method: string;
  header: Array<{ key: string; value: string }>;
  body: { mode: 'raw'; raw: string };
}

interface Pm {
  /** Every scope, by precedence; set() writes the local scope, which wins over all others. */
  variables: {
    get(name: string): unknown;
    set(name: string, value: string): void;
    replaceIn(text: string): string;
    toObject(): Record<string, unknown>;
  };
  environment: PmVariableScope & { name?: string };
  collectionVariables: PmVariableScope;
  sendRequest(
    request: PmRequestDefinition,
    callback: (error: PmSendRequestError | null, response: PmResponse | undefined) => void,
  ): unknown;
  test(name: string, fn: () => void): void;
  /** The request's own auth; undefined when it inherits (a folder's auth is not visible here). */
  request: {
    url: unknown;
    method: string;
    headers: PmRequestHeaderList;
    auth?: { toJSON(): { type?: string; bearer?: Array<{ key?: string; value?: unknown }> } };
  };
  /** Absent before newman 6.1: feature-detect. */
  execution?: { skipRequest?: () => void; setNextRequest?: (idOrName: string) => void; location?: string[] };
  info: { eventName: string; requestId: string; requestName: string; iteration: number };
  /** Set in the test phase only. */
  response: { code: number; headers: PmHeaderList };
}

declare const pm: Pm;
declare const console: { log(...args: unknown[]): void; warn(...args: unknown[]): void };
declare function setTimeout(fn: () => void, ms: number): unknown;
declare function clearTimeout(handle: unknown): void;
/**
 * The sandbox's require, handed in by the bundle's outer wrapper (scripts/build-script.ts): a free
 * `require` in an ES module would make esbuild wrap it in a shim.
 */
declare function sandboxRequire(
  name: 'crypto-js',
): import('./crypto-js-hashes.js').CryptoJsLike & { SHA256(text: string): { toString(): string } };
