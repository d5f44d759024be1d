// The forms a secret takes in what Newman and its reporters write: JSON (once or twice escaped, with
// or without \u escapes), HTML (as handlebars and as other templates escape it), URLs and form
// bodies, and base64 in a Basic header. A form missing here is a secret readable in a report.
import { base64Encode, utf8Bytes } from '../../oauth/base64.js';
import { formEncode } from '../../oauth/form.js';

const jsonEscape = (text: string): string => JSON.stringify(text).slice(1, -1);
const asciiJsonEscape = (text: string): string =>
  jsonEscape(text).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** The escapes of the HTML templating engines reporters use (handlebars, lodash, he). */
const HTML_ESCAPES: ReadonlyArray<Readonly<Record<string, string>>> = [
  { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#x27;', '`': '&#x60;', '=': '&#x3D;' },
  { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' },
  { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;' },
  { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' },
];

function htmlForms(text: string): string[] {
  return HTML_ESCAPES.map((table) => text.replace(/[&<>"'`=]/g, (c) => table[c] ?? c));
}

/** The WHATWG form encoding (URLSearchParams, browsers): like RFC 6749's, but `*` stays bare. */
const whatwgFormEncode = (value: string): string => formEncode(value).replace(/%2A/g, '*');

/** RFC 3986's strict percent-encoding (also `!'()*`), as some engines and templates write a query. */
const strictUriEncode = (value: string): string =>
  encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** UTF-8 bytes shown as Latin-1 text (`é` → `Ã©`), as a reporter that guesses the charset wrong writes them. */
const utf8ReadAsLatin1 = (value: string): string => Buffer.from(value, 'utf8').toString('latin1');

/** The forms of one value as text of its own (not inside a Basic header), before any escaping. */
function valueForms(value: string): string[] {
  // A header value, a form field or a template may trim a secret's surrounding spaces.
  const trimmed = value.trim();
  return [
    value,
    ...(trimmed !== value && trimmed.length >= 4 ? [trimmed] : []),
    utf8ReadAsLatin1(value),
    encodeURIComponent(value),
    strictUriEncode(value),
    formEncode(value),
    whatwgFormEncode(value),
    encodeURI(value),
  ];
}

/** Every form, each also as it stands inside a JSON string and inside JSON inside a JSON string. */
function withJsonForms(forms: Iterable<string>): Set<string> {
  const out = new Set<string>();
  for (const form of forms) {
    const once = jsonEscape(form);
    for (const variant of [form, once, jsonEscape(once), asciiJsonEscape(form), jsonEscape(asciiJsonEscape(form))])
      out.add(variant);
  }
  return out;
}

/**
 * Every form a report can hold the value in: encoded (URL, form, Latin-1 misread), then escaped for
 * JSON, for HTML, or for both in either order (a JSON report rendered in an HTML template).
 */
export function secretForms(secret: string): Set<string> {
  const encoded = valueForms(secret);
  const out = withJsonForms([...encoded, ...encoded.flatMap(htmlForms)]);
  for (const form of [...out]) for (const html of htmlForms(form)) out.add(html);
  return out;
}

/**
 * The base64 of `id:secret` as client_secret_basic sends it (RFC 6749 §2.3.1: form-encoded first) and
 * as most other clients do (raw): a Basic header is the secret in a form no text search finds.
 */
export function basicCredentialForms(clientId: string, secret: string): Set<string> {
  const forms = [`${formEncode(clientId)}:${formEncode(secret)}`, `${clientId}:${secret}`].map((pair) =>
    base64Encode(utf8Bytes(pair)),
  );
  return withJsonForms(
    forms.flatMap((b64) => [
      b64,
      b64.replace(/=+$/, ''),
      b64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''),
    ]),
  );
}

/** Fragments shorter than this are too likely to be common words: the verifier and the mask leave them. */
export const MIN_FRAGMENT_LENGTH = 6;

/** The parts a query string or form makes of a secret that holds `&`, `=`, `#` or `?`, long enough to look for. */
export function splitFragments(secret: string): string[] {
  if (!/[&=#?]/.test(secret)) return [];
  return secret.split(/[&=#?]/).filter((part) => part.length >= MIN_FRAGMENT_LENGTH && part !== secret);
}

/**
 * What the second net looks for, each form with its name: every escaped form of the value, the value
 * as a JSON byte array (UTF-8 and Latin-1), UTF-8 read as Latin-1, and its split fragments.
 */
export function verifierForms(value: string): Array<[form: string, how: string]> {
  const forms: Array<[string, string]> = [...secretForms(value)].map((form) => [
    form,
    form === value ? 'in clear' : 'escaped or encoded',
  ]);
  const utf8 = Buffer.from(value, 'utf8');
  forms.push([[...utf8].join(','), 'as a byte array']);
  if (/[^\u0000-\u007f]/.test(value)) {
    if (/^[\u0000-\u00ff]*$/.test(value))
      forms.push([[...Buffer.from(value, 'latin1')].join(','), 'as a Latin-1 byte array']);
  }
  for (const fragment of splitFragments(value))
    for (const form of secretForms(fragment)) forms.push([form, 'a fragment split at & = # or ?']);
  return forms;
}
