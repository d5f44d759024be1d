// The URI a DPoP proof names (RFC 9449 §4.2 `htu`): without query and fragment, in the form servers
// compare after normalising (§4.3; RFC 3986 §6.2.2, §6.2.3): scheme and host in lower case, no
// default port, an empty path as "/". Pure string work: the sandbox has no URL class.

const URL_PARTS = /^(?:([a-z][a-z0-9+.-]*):\/\/)?([^/?#]*)([^?#]*)/i;
const DEFAULT_PORT: Readonly<Record<string, string>> = { http: '80', https: '443' };
/** What postman-url-encoder percent-encodes in a path (and so what the server receives encoded). */
const PATH_UNSAFE = /[\u0000-\u0020"<>`{}\u007f-\u{10ffff}]/gu;

/** `HTTPS://API.Example.com:443/a b?q=1#x` → `https://api.example.com/a%20b`. Postman's scheme-less URLs are http. */
export function dpopHtu(url: string): string {
  const { origin, path } = split(url);
  return origin + (path.replace(PATH_UNSAFE, (c) => encodeURIComponent(c)) || '/');
}

/** Scheme, host and port, normalised: whose nonce a server's DPoP-Nonce is (RFC 9449 §8, §9). */
export function originOf(url: string): string {
  return split(url).origin;
}

function split(url: string): { origin: string; path: string } {
  const [, scheme = 'http', authority = '', path = ''] = URL_PARTS.exec(url.trim()) ?? [];
  const lowerScheme = scheme.toLowerCase();
  const hostPort = authority.slice(authority.lastIndexOf('@') + 1).toLowerCase();
  const port = /:(\d*)$/.exec(hostPort)?.[1];
  const host =
    port !== undefined && (port === '' || port === DEFAULT_PORT[lowerScheme])
      ? hostPort.slice(0, hostPort.lastIndexOf(':'))
      : hostPort;
  return { origin: `${lowerScheme}://${host}`, path };
}
