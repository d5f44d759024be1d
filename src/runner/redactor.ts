// Every report and exported environment passes through here before it touches the disk: secrets
// become ***, tokens their mask, in every encoding a report may hold them in.
import { formEncode } from '../oauth/form.js';
import { maskToken } from '../oauth/mask.js';

const SECRET_MASK = '***';
/** JWTs we were not told about (a token of another script, a signed assertion) are masked too. */
const JWT = /eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}/g;
/** Shorter values are too likely to match innocent text; they are still kept out of our own output. */
const MIN_LENGTH = 4;

export class Redactor {
  private readonly replacements = new Map<string, string>();

  addSecret(value: string): void {
    this.add(value, SECRET_MASK);
  }

  addToken(value: string): void {
    this.add(value, maskToken(value));
  }

  redact(text: string): string {
    let out = text;
    // Longest first, so a secret that contains another is replaced whole.
    for (const [from, to] of [...this.replacements].sort((a, b) => b[0].length - a[0].length)) {
      out = out.split(from).join(to);
    }
    return out.replace(JWT, (token) => maskToken(token));
  }

  /** Redacts every string in a JSON value. */
  redactJson<T>(value: T): T {
    return JSON.parse(this.redact(JSON.stringify(value))) as T;
  }

  private add(value: string, mask: string): void {
    if (value.length < MIN_LENGTH) return;
    for (const form of encodings(value)) this.replacements.set(form, mask);
  }
}

/** The forms a value takes in JSON, HTML, URLs and form bodies. */
function encodings(value: string): Set<string> {
  const html = value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  return new Set([
    value,
    JSON.stringify(value).slice(1, -1),
    html,
    html.replace(/&quot;/g, '&#34;').replace(/'/g, '&#39;'),
    html.replace(/'/g, '&#x27;'),
    encodeURIComponent(value),
    formEncode(value),
  ]);
}
