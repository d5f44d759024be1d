// The proxy of the in-process token request: the one Newman would use for the same URL, so the
// token request and the API requests leave through the same door. Newman's requester
// (postman-request, lib/getProxyFromURI.js) reads NO_PROXY, then HTTP_PROXY for http and
// HTTPS_PROXY or HTTP_PROXY for https, each name in either case; ALL_PROXY is not read.
import type { Agent } from 'node:http';

export type ProxyAgentFor = (url: URL) => Agent | undefined;

/** The proxy URL Newman sends a request for `url` through, if any. */
export function proxyFor(url: URL, env: NodeJS.ProcessEnv): string | undefined {
  const noProxy = env['NO_PROXY'] || env['no_proxy'] || '';
  if (noProxy === '*' || (noProxy !== '' && inNoProxy(url, noProxy))) return undefined;
  const http = env['HTTP_PROXY'] || env['http_proxy'];
  if (url.protocol === 'http:') return http || undefined;
  if (url.protocol === 'https:') return env['HTTPS_PROXY'] || env['https_proxy'] || http || undefined;
  return undefined;
}

/** Whether any proxy variable is set, so the agents are worth loading. */
export function anyProxy(env: NodeJS.ProcessEnv): boolean {
  return ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'].some((name) => !!env[name]);
}

/**
 * The agent for each token URL: a tunnel (CONNECT) for https, a forwarding agent for http. The
 * agent modules load only when a proxy is set; one agent per proxy and scheme, reused.
 */
export async function proxyAgents(env: NodeJS.ProcessEnv): Promise<ProxyAgentFor> {
  if (!anyProxy(env)) return () => undefined;
  const [{ HttpsProxyAgent }, { HttpProxyAgent }] = await Promise.all([
    import('https-proxy-agent'),
    import('http-proxy-agent'),
  ]);
  const agents = new Map<string, Agent>();
  return (url) => {
    const proxy = proxyFor(url, env);
    if (!proxy) return undefined;
    const key = `${url.protocol} ${proxy}`;
    let agent = agents.get(key);
    if (!agent) {
      agent = url.protocol === 'https:' ? new HttpsProxyAgent(proxy) : new HttpProxyAgent(proxy);
      agents.set(key, agent);
    }
    return agent;
  };
}

/** postman-request's NO_PROXY match: a host suffix on a label boundary, optionally with a port. */
function inNoProxy(url: URL, noProxy: string): boolean {
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  const hostname = dotted(url.hostname);
  return noProxy.split(',').some((entry) => {
    const zone = entry.trim().toLowerCase();
    const [zoneHost = '', zonePort] = zone.split(':', 2);
    const suffix = dotted(zoneHost);
    const at = hostname.indexOf(suffix);
    const hostMatches = at > -1 && at === hostname.length - suffix.length;
    return zone.includes(':') ? port === zonePort && hostMatches : hostMatches;
  });
}

function dotted(hostname: string): string {
  return hostname.replace(/^\.*/, '.').toLowerCase();
}
