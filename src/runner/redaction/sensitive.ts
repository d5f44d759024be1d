// Redaction by structure: what is a credential because of where it stands, whatever its value.

/** Headers that carry credentials (RFC 9110 §11.6.2, §11.7.2; RFC 6265). */
export const SENSITIVE_HEADER = /^(authorization|proxy-authorization|cookie|set-cookie|dpop)$/i;

/** Form fields and JSON properties of a token request that carry credentials. */
export const SENSITIVE_FIELD = /^(client_secret|client_assertion|password|private_key|assertion)$/i;

export const MASK = '***';

/** `Basic dXNlcjpwYXNz` → `Basic ***`: the scheme stays readable, the credentials go. */
export function maskHeaderValue(value: string): string {
  const scheme = /^\s*([A-Za-z][\w-]*)\s+\S/.exec(value)?.[1];
  return scheme ? `${scheme} ${MASK}` : MASK;
}

const FIELD_NAMES = 'client_secret|client_assertion|password';
/** `client_secret=…` in a form body or URL. */
const FORM_FIELD = new RegExp(`((?:^|[?&\\s"'>])(?:${FIELD_NAMES})=)[^&\\s"'<]*`, 'g');
/** `"client_secret": "…"` in JSON text, also when the JSON is itself inside a JSON string. */
const JSON_FIELD = new RegExp(
  `((?:\\\\*")(?:${FIELD_NAMES})(?:\\\\*")\\s*:\\s*(?:\\\\*"))(?:[^"\\\\]|\\\\(?!"))*`,
  'g',
);
/** `Basic <base64>` whose decoding would be `id:secret`: masked wherever it stands in a text. */
const BASIC_CREDENTIALS = /\b(Basic\s+)([A-Za-z0-9+/]{4,}={0,2})(?![A-Za-z0-9+/=])/g;

/** The textual net for credentials by position: form fields, JSON fields and Basic credentials in any text. */
export function redactCredentialPatterns(text: string): string {
  // Each pattern matches only where its literal stands (a field name, "Basic"): a report's 300,000
  // other strings are passed by a search for those, not by three regular expressions each.
  const fields = FIELD_LITERALS.some((name) => text.includes(name));
  const basic = text.includes(BASIC_LITERAL);
  if (!fields && !basic) return text;
  const masked = fields ? text.replace(FORM_FIELD, `$1${MASK}`).replace(JSON_FIELD, `$1${MASK}`) : text;
  return basic
    ? masked.replace(BASIC_CREDENTIALS, (whole, scheme: string, b64: string) =>
        looksLikeCredentials(b64) ? `${scheme}${MASK}` : whole,
      )
    : masked;
}

/** What FORM_FIELD and JSON_FIELD cannot match without (both are case-sensitive). */
const FIELD_LITERALS = FIELD_NAMES.split('|');
/** What BASIC_CREDENTIALS cannot match without. */
const BASIC_LITERAL = 'Basic';

/** Real Basic credentials are padded base64 of UTF-8 text with a colon; a word after "Basic" is not. */
function looksLikeCredentials(b64: string): boolean {
  if (b64.length % 4 !== 0) return false;
  const text = new TextDecoder('utf-8', { fatal: false }).decode(Buffer.from(b64, 'base64'));
  return text.includes(':') && !/[\u0000-\u001f\ufffd]/.test(text);
}
