/** A request's own auth as the sandbox shows it (`pm.request.auth.toJSON()`); absent when it inherits. */
export interface RequestAuthJson {
  readonly type?: string;
  readonly bearer?: ReadonlyArray<{ readonly key?: string; readonly value?: unknown }>;
}

/**
 * Whether the script must provide a token for this request: when it inherits (the collection's
 * Bearer), or has a Bearer of one of our variables. A request with its own other auth or `noauth`
 * (a public endpoint) needs none, and must not fail for want of one.
 */
export function requestNeedsToken(auth: RequestAuthJson | undefined): boolean {
  return usesOurToken(auth, undefined);
}

/**
 * Whether the request carries our token. After the request is sent (the test phase), the engine
 * shows the Bearer with the variable already replaced by the token it sent.
 * @param sentToken the token in the cache, compared with what the request carried
 */
export function usesOurToken(auth: RequestAuthJson | undefined, sentToken: string | undefined): boolean {
  if (!auth?.type || auth.type === 'inherit') return true;
  if (auth.type !== 'bearer') return false;
  const token = auth.bearer?.find((p) => p.key === 'token')?.value;
  return typeof token === 'string' && (/\{\{\s*oauth2_/.test(token) || (!!sentToken && token === sentToken));
}
