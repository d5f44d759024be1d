// The embedded default for a first run: an authorization server with a demo client and the demo
// API, on the ports environments/local.postman_environment.json names, or free ones when taken.
import {
  DEMO_RESOURCE,
  DEMO_SCOPES,
  startAuthorizationServer,
  type AuthorizationServer,
} from './authorization-server.js';
import { startDemoApi, type DemoApi } from './demo-api.js';
import { PmOAuth2Error } from '../errors.js';

import { DEMO_ADMIN_CLIENT, DEMO_CLIENT, LOCAL_API_PORT, LOCAL_AUTH_PORT } from './demo-clients.js';

export { DEMO_ADMIN_CLIENT, DEMO_CLIENT, LOCAL_API_PORT, LOCAL_AUTH_PORT };

export interface LocalStack {
  readonly auth: AuthorizationServer;
  readonly api: DemoApi;
  /** Variables that point the local environment at these servers, when the default ports were taken. */
  readonly overrides: Record<string, string>;
  close(): Promise<void>;
}

export interface StackPorts {
  readonly auth?: number;
  readonly api?: number;
  /**
   * Fail when a port is taken, instead of moving to a free one: `servers` runs for Postman, which
   * is pointed at the ports it prints — moving silently would leave the app talking to whatever
   * holds them. @default false
   */
  readonly exact?: boolean;
}

export async function startLocalStack(ports: StackPorts = {}): Promise<LocalStack> {
  const authPort = ports.auth ?? LOCAL_AUTH_PORT;
  const apiPort = ports.api ?? LOCAL_API_PORT;
  const options = {
    clients: [
      { ...DEMO_CLIENT, scope: DEMO_SCOPES.join(' ') },
      { ...DEMO_ADMIN_CLIENT, scope: DEMO_SCOPES.join(' ') },
    ],
  };
  const elsewhere =
    <T>(start: () => Promise<T>, port: number, flag: string) =>
    (error: NodeJS.ErrnoException): Promise<T> => {
      if (!ports.exact) return start();
      throw error.code === 'EADDRINUSE'
        ? new PmOAuth2Error(
            'USAGE',
            `port ${port} on 127.0.0.1 is taken (another pm-oauth2 servers or demo still running?) — stop what holds it, or pass ${flag} <a free port>`,
            { cause: error },
          )
        : error;
    };
  const auth = await startAuthorizationServer({ ...options, port: authPort }).catch(
    elsewhere(() => startAuthorizationServer(options), authPort, '--auth-port'),
  );
  const apiOptions = { issuer: auth.issuer, audience: DEMO_RESOURCE, jwks: auth.jwks };
  const api = await startDemoApi({ ...apiOptions, port: apiPort }).catch(async (error: NodeJS.ErrnoException) => {
    try {
      return await elsewhere(() => startDemoApi(apiOptions), apiPort, '--api-port')(error);
    } catch (refused) {
      await auth.close();
      throw refused;
    }
  });
  const overrides: Record<string, string> = {};
  if (auth.issuer !== `http://127.0.0.1:${authPort}`)
    Object.assign(overrides, { oauth2_token_url: auth.tokenUrl, auth_base_url: auth.issuer });
  if (api.url !== `http://127.0.0.1:${apiPort}`) overrides['api_base_url'] = api.url;
  return { auth, api, overrides, close: async () => void (await Promise.all([auth.close(), api.close()])) };
}
