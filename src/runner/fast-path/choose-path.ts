// Whether `pm-oauth2 run` signs in process or leaves tokens to the collections' script. Newman sends
// requests through the proxy of HTTP_PROXY / HTTPS_PROXY (any case); the in-process token request
// does not, so with a proxy set the token is fetched by the script, through Newman, like the API calls.

const PROXY_VARIABLES = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'ALL_PROXY', 'all_proxy'];

export type TokenPath = { readonly inProcess: true } | { readonly inProcess: false; readonly why: string };

export function chooseTokenPath(env: NodeJS.ProcessEnv, inSandbox: boolean): TokenPath {
  if (inSandbox) return { inProcess: false, why: '--in-sandbox' };
  const proxy = PROXY_VARIABLES.find((name) => env[name]);
  return proxy ? { inProcess: false, why: `${proxy} is set, and the collections' script fetches tokens through Newman, which uses the proxy` } : { inProcess: true };
}
