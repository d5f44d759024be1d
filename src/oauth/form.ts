import { OAuthError } from './errors.js';

/**
 * application/x-www-form-urlencoded encoding of one name or value (RFC 6749 Appendix B, which is
 * also what client_secret_basic requires before base64): encodeURIComponent, plus the characters
 * it leaves alone that the form encoding escapes, and space as `+`.
 */
export function formEncode(text: string): string {
  return encodeURIComponent(text)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

export function formDecode(text: string): string {
  return decodeURIComponent(text.replace(/\+/g, ' '));
}

export type FormPair = readonly [name: string, value: string];

export function encodeForm(pairs: readonly FormPair[]): string {
  return pairs.map(([name, value]) => `${formEncode(name)}=${formEncode(value)}`).join('&');
}

/**
 * Parses `oauth2_extra_params` (`a=1&b=two%20words`) into decoded pairs, so that they are encoded
 * once, correctly, whatever form the user wrote them in.
 */
export function parseExtraParams(text: string, variable: string): FormPair[] {
  const pairs: FormPair[] = [];
  for (const part of text.split('&')) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    const name = eq < 0 ? part : part.slice(0, eq);
    const value = eq < 0 ? '' : part.slice(eq + 1);
    try {
      pairs.push([formDecode(name.trim()), formDecode(value)]);
    } catch {
      throw new OAuthError(
        'CONFIG_INVALID',
        `${variable} has a malformed %-escape in "${name.trim()}"`,
        `write it as name=value pairs joined with &, e.g. "a=1&b=2", escaping % as %25`,
      );
    }
  }
  return pairs;
}
