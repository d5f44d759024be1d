// The embedded default for a first run: an authorization server with a demo client and the demo
// API, on the ports environments/local.postman_environment.json names, or free ones when taken.
import { DEMO_RESOURCE, DEMO_SCOPES, startAuthorizationServer, type AuthorizationServer } from './authorization-server.js';
import { startDemoApi, type DemoApi } from './demo-api.js';

import { DEMO_ADMIN_CLIENT, DEMO_CLIENT, LOCAL_API_PORT, LOCAL_AUTH_PORT } from './demo-clients.js';

export { DEMO_ADMIN_CLIENT, DEMO_CLIENT, LOCAL_API_PORT, LOCAL_AUTH_PORT };

export interface LocalStack {
  readonly auth: AuthorizationServer;
  readonly api: DemoApi;
  /** Variables that point the local environment at these servers, when the default ports were taken. */
  readonly overrides: Record<string, string>;
  close(): Promise<void>;
}

export async function startLocalStack(ports: { auth?: number; api?: number } = {}): Promise<LocalStack> {
  const authPort = ports.auth ?? LOCAL_AUTH_PORT;
  const apiPort = ports.api ?? LOCAL_API_PORT;
  const options = { clients: [{ ...DEMO_CLIENT, scope: DEMO_SCOPES.join(' ') }, { ...DEMO_ADMIN_CLIENT, scope: DEMO_SCOPES.join(' ') }] };
  const auth = await startAuthorizationServer({ ...options, port: authPort }).catch(() => startAuthorizationServer(options));
  const apiOptions = { issuer: auth.issuer, audience: DEMO_RESOURCE, jwks: auth.jwks };
  const api = await startDemoApi({ ...apiOptions, port: apiPort }).catch(() => startDemoApi(apiOptions));
  const overrides: Record<string, string> = {};
  if (auth.issuer !== `http://127.0.0.1:${authPort}`) Object.assign(overrides, { oauth2_token_url: auth.tokenUrl, auth_base_url: auth.issuer });
  if (api.url !== `http://127.0.0.1:${apiPort}`) overrides['api_base_url'] = api.url;
  return { auth, api, overrides, close: async () => void (await Promise.all([auth.close(), api.close()])) };
}
