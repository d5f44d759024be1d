// The forms a secret takes in what Newman and its reporters write: JSON (once or twice escaped, with
// or without \u escapes), HTML (as handlebars and as other templates escape it), URLs and form
// bodies, and base64 in a Basic header. A form missing here is a secret readable in a report.
import { base64Encode, utf8Bytes } from '../../oauth/base64.js';
import { formEncode } from '../../oauth/form.js';

const jsonEscape = (text: string): string => JSON.stringify(text).slice(1, -1);
const asciiJsonEscape = (text: string): string =>
  jsonEscape(text).replace(/[\u007f-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));

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

/** The forms of one value as text of its own (not inside a Basic header). */
function valueForms(value: string): string[] {
  return [value, encodeURIComponent(value), formEncode(value), whatwgFormEncode(value), encodeURI(value), ...htmlForms(value)];
}

/** Every form, each also as it stands inside a JSON string and inside JSON inside a JSON string. */
function withJsonForms(forms: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const form of forms) {
    const once = jsonEscape(form);
    for (const variant of [form, once, jsonEscape(once), asciiJsonEscape(form), jsonEscape(asciiJsonEscape(form))]) out.add(variant);
  }
  return out;
}

export function secretForms(secret: string): Set<string> {
  return withJsonForms(valueForms(secret));
}

/**
 * The base64 of `id:secret` as client_secret_basic sends it (RFC 6749 §2.3.1: form-encoded first) and
 * as most other clients do (raw): a Basic header is the secret in a form no text search finds.
 */
export function basicCredentialForms(clientId: string, secret: string): Set<string> {
  const forms = [formEncode(clientId) + ':' + formEncode(secret), clientId + ':' + secret]
    .map((pair) => base64Encode(utf8Bytes(pair)));
  return withJsonForms(forms.flatMap((b64) => [b64, b64.replace(/=+$/, ''), b64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')]));
}
