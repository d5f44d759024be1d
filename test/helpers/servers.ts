// The servers every end-to-end suite needs, started once per suite on 127.0.0.1.
import { generateKeyPairSync } from 'node:crypto';
import {
  DEMO_RESOURCE,
  startAuthorizationServer,
  type AuthorizationServer,
  type ClientRegistration,
} from '../../src/servers/authorization-server.js';
import { startDemoApi, type DemoApi } from '../../src/servers/demo-api.js';
import { startFaultTokenServer, type FaultTokenServer } from './fault-token-server.js';

/** Key pairs of the private_key_jwt clients, generated for each test run. */
export const KEYS = {
  rsa: generateKeyPairSync('rsa', { modulusLength: 2048 }),
  ec: generateKeyPairSync('ec', { namedCurve: 'P-256' }),
  other: generateKeyPairSync('rsa', { modulusLength: 2048 }),
};

/** Secrets with every character that naive Basic encoding breaks (oidc-provider allows ASCII only). */
export const CLIENTS = {
  basic: { clientId: 'basic-client', clientSecret: 'b+s/c=:&% x', authentication: 'client_secret_basic' },
  post: { clientId: 'post-client', clientSecret: 'post+secret/=:&% y', authentication: 'client_secret_post' },
  shortLived: {
    clientId: 'short-client',
    clientSecret: 'short-secret',
    authentication: 'client_secret_basic',
    tokenTtlSeconds: 2,
  },
  other: { clientId: 'other-client', clientSecret: 'other-secret', authentication: 'client_secret_basic' },
  readOnly: {
    clientId: 'read-client',
    clientSecret: 'read-secret',
    authentication: 'client_secret_basic',
    scope: 'api:read',
  },
  jwtSecret: {
    clientId: 'jwt-secret-client',
    clientSecret: 'a-shared-secret-long-enough-for-hs256-0123456789',
    authentication: 'client_secret_jwt',
    signingAlg: 'HS256',
  },
  rsaKey: {
    clientId: 'rsa-key-client',
    clientSecret: '',
    authentication: 'private_key_jwt',
    signingAlg: 'RS256',
    jwks: { keys: [{ ...KEYS.rsa.publicKey.export({ format: 'jwk' }), kid: 'rsa-1' }] },
  },
  psKey: {
    clientId: 'ps-key-client',
    clientSecret: '',
    authentication: 'private_key_jwt',
    signingAlg: 'PS256',
    jwks: { keys: [KEYS.rsa.publicKey.export({ format: 'jwk' })] },
  },
  ecKey: {
    clientId: 'ec-key-client',
    clientSecret: '',
    authentication: 'private_key_jwt',
    signingAlg: 'ES256',
    jwks: { keys: [KEYS.ec.publicKey.export({ format: 'jwk' })] },
  },
  ecShortLived: {
    clientId: 'ec-short-client',
    clientSecret: '',
    authentication: 'private_key_jwt',
    signingAlg: 'ES256',
    jwks: { keys: [KEYS.ec.publicKey.export({ format: 'jwk' })] },
    tokenTtlSeconds: 2,
  },
  /** The clients of the sample collections and the local environment. */
  demo: { clientId: 'demo-client', clientSecret: 'demo-secret', authentication: 'client_secret_basic' },
  demoAdmin: { clientId: 'demo-admin', clientSecret: 'demo-admin-secret', authentication: 'client_secret_basic' },
} as const satisfies Record<string, ClientRegistration>;

export interface TestServers {
  readonly auth: AuthorizationServer;
  readonly api: DemoApi;
  readonly faults: FaultTokenServer;
  /** A port nothing listens on. */
  readonly closedPort: number;
  /** A fresh API base URL (`<api>/api/<label><n>`), so the API's counts tell the tests apart. */
  apiBase(label: string): string;
  /** What the API received under a base from apiBase. */
  apiCalls(base: string): DemoApi['calls'];
  /** The oauth2_* variables for a registered client. */
  variablesFor(client: ClientRegistration, extra?: Record<string, string>): Record<string, string>;
  close(): Promise<void>;
}

export async function startTestServers(): Promise<TestServers> {
  const auth = await startAuthorizationServer({ clients: Object.values(CLIENTS) });
  const faults = await startFaultTokenServer();
  const api = await startDemoApi({
    issuer: auth.issuer,
    audience: DEMO_RESOURCE,
    jwks: auth.jwks,
    opaqueTokens: faults.issued,
  });
  const closed = await startDemoApi({ issuer: auth.issuer, audience: DEMO_RESOURCE, jwks: auth.jwks });
  const closedPort = Number(new URL(closed.url).port);
  await closed.close();
  let serial = 0;
  return {
    auth,
    api,
    faults,
    closedPort,
    apiBase: (label) => `${api.url}/api/${label}${++serial}`,
    apiCalls: (base) => api.calls.filter((c) => c.path.startsWith(`${new URL(base).pathname}/`)),
    variablesFor: (client, extra = {}) => ({
      oauth2_token_url: auth.tokenUrl,
      oauth2_client_id: client.clientId,
      ...(client.clientSecret ? { oauth2_client_secret: client.clientSecret } : {}),
      oauth2_client_auth: client.authentication,
      ...extra,
    }),
    close: async () => {
      await Promise.all([auth.close(), api.close(), faults.close()]);
    },
  };
}
