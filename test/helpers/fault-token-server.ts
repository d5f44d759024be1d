// A token endpoint of our own, for the faults a real authorization server will not produce. Each
// scenario is a path; a path with a suffix (`/503-once/abc`) keeps its own state, so tests stay apart.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import { listenLocal, type Listening } from '../../src/servers/listen.js';

/** The only secret the raw-basic scenario takes. */
export const RAW_BASIC_SECRET = 'fault+secret=';

export interface FaultTokenServer {
  readonly url: string;
  /** Opaque tokens this server issued: hand them to the demo API to accept. */
  readonly issued: Set<string>;
  /** Requests received, per scenario path. */
  requests(path: string): number;
  /** Requests held open by the hang scenario now. */
  hanging(): number;
  /** The decoded client credentials of the last Basic header at a path. */
  lastBasic(path: string): { id: string; secret: string } | undefined;
  /**
   * What reached the other origin the redirect scenarios point at (same host, another port), per
   * path: each request with the credentials it carried. It hands out tokens the demo API accepts, so
   * a client that follows the redirect gets as far as the API.
   */
  elsewhere(
    path: string,
  ): ReadonlyArray<{ method: string; basic: { id: string; secret: string } | undefined; body: string }>;
  close(): Promise<void>;
}

type Scenario = (ctx: {
  count: number;
  req: IncomingMessage;
  body: string;
  token: () => string;
  elsewhere: string;
  rest: string;
}) => Answer | undefined;
type Answer = { status: number; body: string; headers?: Record<string, string>; gzip?: boolean };

/** A JWT-shaped token (not signed: the tests never get as far as an API with it). */
const unsignedJwt = (claims: object): string =>
  `${['{"alg":"none","typ":"at+jwt"}', JSON.stringify(claims)].map((part) => Buffer.from(part).toString('base64url')).join('.')}.c2ln`;

const json = (status: number, body: object, headers: Record<string, string> = {}): Answer => ({
  status,
  body: JSON.stringify(body),
  headers: { 'content-type': 'application/json', ...headers },
});
const ok = (token: string, extra: object = {}) =>
  json(200, { access_token: token, token_type: 'Bearer', expires_in: 300, ...extra });

const SCENARIOS: Record<string, Scenario> = {
  ok: ({ token }) => ok(token()),
  '503-once': ({ count, token }) => (count === 1 ? json(503, { error: 'temporarily_unavailable' }) : ok(token())),
  '503-always': () => json(503, { error: 'temporarily_unavailable' }),
  '429-once': ({ count, token }) =>
    count === 1 ? json(429, { error: 'slow_down' }, { 'retry-after': '1' }) : ok(token()),
  '429-long': () => json(429, { error: 'slow_down' }, { 'retry-after': '3600' }),
  html: () => ({
    status: 200,
    body: '<!DOCTYPE html><html><body><form>Sign in</form></body></html>',
    headers: { 'content-type': 'text/html' },
  }),
  'broken-json': () => ({
    status: 200,
    body: '{"access_token": "abc", ',
    headers: { 'content-type': 'application/json' },
  }),
  'no-access-token': () => json(200, { token_type: 'Bearer', expires_in: 300 }),
  'expires-string': ({ token }) => ok(token(), { expires_in: '300' }),
  'no-expires': ({ token }) => json(200, { access_token: token(), token_type: 'Bearer' }),
  'lowercase-type': ({ token }) => ok(token(), { token_type: 'bearer' }),
  'mac-type': ({ token }) => ok(token(), { token_type: 'mac' }),
  // A server that binds every token to a key (RFC 9449), asked by a client that sent no proof.
  'dpop-type': ({ token }) => ok(token(), { token_type: 'DPoP' }),
  'invalid-client': () =>
    json(
      401,
      { error: 'invalid_client', error_description: 'client authentication failed' },
      { 'www-authenticate': 'Basic realm="fault"' },
    ),
  // Echoes the form as a server decodes it: the secret comes back raw.
  'echo-secret': ({ body }) =>
    json(400, {
      error: 'invalid_request',
      error_description: `bad request: ${[...new URLSearchParams(body)].map(([k, v]) => `${k}=${v}`).join('&')}`,
    }),
  hang: () => undefined,
  // Accepts client_secret_post only, as some servers do; Basic gets 401 invalid_client.
  'post-only': ({ body, token }) =>
    /(^|&)client_secret=/.test(body)
      ? ok(token())
      : json(401, { error: 'invalid_client', error_description: 'client authentication failed' }),
  // Decodes Basic credentials as RFC 6749 §2.3.1 says (form-decoding, then UTF-8), like Keycloak:
  // unlike oidc-provider, it accepts a non-ASCII secret.
  'strict-basic': ({ token }) => ok(token()),
  // glewlwyd's and Authlib 1.2's way with Basic: the credentials base64-decoded but not form-decoded,
  // so the secret "fault+secret=" is taken only raw (or in the body), not as RFC 6749 §2.3.1 encodes it.
  'raw-basic': ({ req, body }) => {
    const raw = Buffer.from(/^Basic (\S+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '', 'base64').toString(
      'utf8',
    );
    const inBody = new URLSearchParams(body).get('client_secret') === RAW_BASIC_SECRET;
    return raw === `c:${RAW_BASIC_SECRET}` || inBody
      ? ok(`opaque-raw-${Date.now()}`)
      : json(401, { error: 'invalid_client' });
  },
  // glewlwyd's way: every refusal a 403 with an empty body. This one takes client_secret_post only.
  '403-empty-post-only': ({ body, token }) =>
    /(^|&)client_secret=/.test(body) ? ok(token()) : { status: 403, body: '' },
  // Answers a token endpoint should not give, each decided the same way in the sandbox and in Node.
  gzip: ({ token }) => ({ ...ok(token()), gzip: true }),
  'expired-jwt': () => ok(unsignedJwt({ exp: Math.floor(Date.now() / 1000) - 60 })),
  'expires-negative': ({ token }) => ok(token(), { expires_in: -5 }),
  'expires-huge': ({ token }) => ok(token(), { expires_in: 1e12 }),
  'crlf-token': ({ token }) => ok(`${token()}\r\nX-Injected: yes`),
  huge: ({ token }) => ok(token(), { padding: 'x'.repeat(1024 * 1024 + 1000) }),
  // Redirects to another origin (another port of the same host): 307 and 308 keep the method and body
  // (client_secret_post's secret), and a Basic header survives a redirect to the same host.
  'redirect-307': ({ elsewhere, rest }) => redirect(307, `${elsewhere}/token${rest}`),
  'redirect-308': ({ elsewhere, rest }) => redirect(308, `${elsewhere}/token${rest}`),
  'redirect-302': ({ elsewhere, rest }) => redirect(302, `${elsewhere}/token${rest}?code=not-for-print`),
};

const redirect = (status: number, location: string): Answer => ({ status, body: '', headers: { location } });

export async function startFaultTokenServer(): Promise<FaultTokenServer> {
  const counts = new Map<string, number>();
  const basics = new Map<string, { id: string; secret: string }>();
  const issued = new Set<string>();
  const hanging = new Set<ServerResponse>();
  let serial = 0;
  const token = () => {
    const value = `opaque-${++serial}-${Math.random().toString(36).slice(2)}`;
    issued.add(value);
    return value;
  };
  const arrivedElsewhere = new Map<
    string,
    Array<{ method: string; basic: { id: string; secret: string } | undefined; body: string }>
  >();
  const other: Listening = await listenLocal((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      arrivedElsewhere.set(path, [
        ...(arrivedElsewhere.get(path) ?? []),
        { method: req.method ?? '', basic: decodeBasic(req.headers.authorization), body },
      ]);
      const answer = ok(token());
      res.writeHead(answer.status, answer.headers).end(answer.body);
    });
  });
  const listening: Listening = await listenLocal((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      const count = (counts.get(path) ?? 0) + 1;
      counts.set(path, count);
      const basic = decodeBasic(req.headers.authorization);
      if (basic) basics.set(path, basic);
      const [, name = '', ...rest] = path.split('/');
      const scenario = SCENARIOS[name];
      const answer = scenario
        ? scenario({ count, req, body, token, elsewhere: other.url, rest: rest.map((r) => `/${r}`).join('') })
        : json(404, { error: 'no such scenario' });
      if (!answer) {
        hanging.add(res);
        res.once('close', () => hanging.delete(res));
        return;
      }
      if (answer.gzip)
        return void res
          .writeHead(answer.status, { ...answer.headers, 'content-encoding': 'gzip' })
          .end(gzipSync(answer.body));
      res.writeHead(answer.status, answer.headers).end(answer.body);
    });
  });
  return {
    url: listening.url,
    issued,
    requests: (path) => counts.get(path) ?? 0,
    hanging: () => hanging.size,
    lastBasic: (path) => basics.get(path),
    elsewhere: (path) => arrivedElsewhere.get(path) ?? [],
    close: async () => {
      for (const res of hanging) res.destroy();
      await Promise.all([listening.close(), other.close()]);
    },
  };
}

function decodeBasic(header: string | undefined): { id: string; secret: string } | undefined {
  const match = /^Basic (\S+)$/.exec(header ?? '');
  if (!match?.[1]) return undefined;
  const text = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = text.indexOf(':');
  const decode = (part: string) => decodeURIComponent(part.replace(/\+/g, ' '));
  return { id: decode(text.slice(0, colon)), secret: decode(text.slice(colon + 1)) };
}
