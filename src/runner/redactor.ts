// Every report, exported environment and line of live output passes through here before anyone
// sees it. Redaction works by structure first (an Authorization header, a client_secret field, a
// secret variable is masked whatever it holds), then by value (every secret in every encoding a
// report can hold it in, and the base64 of each id:secret pair), then by shape (JWTs, Basic
// credentials and credential form fields in any text).
import { maskToken } from '../oauth/mask.js';
import { isSecretVariable } from '../oauth/vocabulary.js';
import { isSerialisedBuffer, redactBuffer, redactBytes } from './redaction/byte-arrays.js';
import { basicCredentialForms, secretForms, splitFragments, verifierForms } from './redaction/encodings.js';
import {
  maskHeaderValue,
  MASK,
  redactCredentialPatterns,
  SENSITIVE_FIELD,
  SENSITIVE_HEADER,
} from './redaction/sensitive.js';

/** JWTs we were not told about (a token of another script, a signed assertion) are masked too. */
const JWT = /eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}/g;
/** What JWT cannot match without. */
const JWT_LITERAL = 'eyJ';
/** Shorter values are too likely to match innocent text; they are still kept out of our own output. */
const MIN_LENGTH = 4;

export class Redactor {
  private readonly replacements = new Map<string, string>();
  private ordered: Array<[string, string]> | undefined;
  /** What the second net looks for in a text already redacted: each form, with what it is (never the value). */
  private readonly checks = new Map<string, string>();

  addSecret(value: string): void {
    if (value.length < MIN_LENGTH) return;
    for (const form of secretForms(value)) this.put(form, MASK);
    // A query string or a form splits a secret with & or = into fields of their own.
    for (const fragment of splitFragments(value)) for (const form of secretForms(fragment)) this.put(form, MASK);
    this.check(value, 'a secret');
  }

  addToken(value: string): void {
    if (value.length < MIN_LENGTH) return;
    for (const form of secretForms(value)) this.put(form, maskToken(value));
    this.check(value, 'an access token');
  }

  /** A client's id and secret: also masks the base64 of the pair, as a Basic header carries it. */
  addCredentials(clientId: string, secret: string): void {
    this.addSecret(secret);
    if (!secret) return;
    for (const form of basicCredentialForms(clientId, secret)) {
      this.put(form, MASK);
      this.checks.set(form, 'a secret (base64 of a Basic header)');
    }
  }

  /**
   * The second net, on the final text of a file or a line: every form of a known secret or token it
   * still holds (escaped, as bytes, read as Latin-1, split at & or =), each named by what it is and
   * the line it stands on — never the value. Empty when the text is clean.
   */
  leaks(text: string): string[] {
    // A byte array is written one number a line in an indented JSON report: searched again compacted.
    const compact = text.includes('[') ? text.replace(/(\d)\s*,\s*(?=\d)/g, '$1,') : text;
    const found = new Map<string, string>();
    for (const [form, what] of this.checks) {
      if (found.has(what)) continue;
      const at = text.indexOf(form);
      if (at >= 0) found.set(what, `on line ${lineOf(text, at)}`);
      else if (compact !== text && compact.includes(form)) found.set(what, 'in a byte array');
    }
    return [...found].map(([what, where]) => `${what} ${where}`);
  }

  redact(text: string): string {
    let out = text;
    // Longest first, so a secret that contains another is replaced whole.
    this.ordered ??= [...this.replacements].sort((a, b) => b[0].length - a[0].length);
    // A text shorter than every form (the last) holds none: most of a report's strings ("GET", ids, names).
    if (text.length >= (this.ordered.at(-1)?.[0].length ?? Number.POSITIVE_INFINITY))
      for (const [from, to] of this.ordered) if (out.includes(from)) out = out.split(from).join(to);
    out = redactCredentialPatterns(out);
    return out.includes(JWT_LITERAL) ? out.replace(JWT, (token) => maskToken(token)) : out;
  }

  /**
   * Redacts a JSON value by structure, then every string in it by value — string by string, so a
   * replacement can never break the JSON around it (a secret with `"` or `\` in a serialised report).
   */
  redactJson<T>(value: T): T {
    return maskByStructure(value, (text) => this.redact(text));
  }

  /**
   * Redacts objects where they live, before any reporter reads them: the run's executions (requests
   * with their URL parts, headers and bodies field by field, responses decoded from their bytes) and
   * failures, and what scripts log. Strings and Buffers are replaced in place; whatever escaping a
   * reporter then applies, there is no secret left to escape.
   */
  redactInPlace(root: unknown): void {
    redactObjectsInPlace(root, (text) => this.redact(text));
  }

  /** A report file: JSON is redacted by structure and value, anything else (XML, HTML) by value. */
  redactReport(text: string): string {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return this.redact(text);
    }
    return JSON.stringify(this.redactJson(json), null, 2);
  }

  private check(value: string, what: string): void {
    for (const [form, how] of verifierForms(value))
      if (form.length >= MIN_LENGTH) this.checks.set(form, `${what} (${how})`);
  }

  private put(form: string, mask: string): void {
    this.replacements.set(form, mask);
    this.ordered = undefined;
  }
}

/**
 * Masks the values that are credentials by where they stand: `{key, value}` pairs (headers, form
 * fields, variables, as Newman and Postman write them) and object properties named like them.
 */
export function maskByStructure<T>(value: T, redactText: (text: string) => string = (text) => text): T {
  if (typeof value === 'string') return redactText(value) as T;
  if (isSerialisedBuffer(value)) return redactBytes(value, redactText) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => maskByStructure(v, redactText)) as T;
  if (!value || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  const pairKey = typeof record['key'] === 'string' ? record['key'] : undefined;
  for (const [name, field] of Object.entries(record)) {
    if (name === 'value' && pairKey !== undefined && typeof field === 'string' && field !== '')
      out[name] = redactText(maskPairValue(pairKey, field));
    else if (typeof field === 'string' && field !== '' && isSensitiveProperty(name))
      out[name] = SENSITIVE_HEADER.test(name) ? maskHeaderValue(field) : MASK;
    else out[redactText(name)] = maskByStructure(field, redactText);
  }
  return out as T;
}

/**
 * maskByStructure's rules applied in place, to live objects (the SDK's Request and Response, whose
 * parents are not enumerable, so the walk stays inside what it is given). Cycles are visited once.
 */
export function redactObjectsInPlace(root: unknown, redactText: (text: string) => string): void {
  const seen = new WeakSet<object>();
  const stack: unknown[] = [root];
  while (stack.length) {
    const value = stack.pop();
    if (!value || typeof value !== 'object' || seen.has(value) || Buffer.isBuffer(value)) continue;
    seen.add(value);
    const record = value as Record<string, unknown>;
    const pairKey = typeof record['key'] === 'string' ? record['key'] : undefined;
    for (const name of Object.keys(record)) {
      const field = record[name];
      let next: unknown = field;
      if (typeof field === 'string' && field !== '') {
        // Live objects keep headers and form fields as {key, value} pairs; a property's own name says
        // nothing here (newman's {assertion: <test name>} is no client assertion).
        next =
          name === 'value' && pairKey !== undefined ? redactText(maskPairValue(pairKey, field)) : redactText(field);
      } else if (Buffer.isBuffer(field)) {
        next = redactBuffer(field, redactText) ?? field;
      } else if (field && typeof field === 'object') {
        stack.push(field);
      }
      if (next !== field) {
        try {
          record[name] = next;
        } catch {
          // A frozen object or a getter: the verifier still checks the report written from it.
        }
      }
    }
  }
}

function lineOf(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < index; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

function maskPairValue(key: string, value: string): string {
  if (SENSITIVE_HEADER.test(key)) return maskHeaderValue(value);
  if (/access_token$/i.test(key)) return maskToken(value);
  return isSensitiveName(key) ? MASK : value;
}

/**
 * A property named like a credential. Not `assertion`: a report's {assertion: <test name>} is
 * Newman's, and masking it would leave JSON reports (and merge-reports' JUnit) without test names;
 * a form's assertion field is a {key, value} pair, masked by its key.
 */
function isSensitiveProperty(name: string): boolean {
  return name !== 'assertion' && isSensitiveName(name);
}

function isSensitiveName(name: string): boolean {
  return SENSITIVE_HEADER.test(name) || SENSITIVE_FIELD.test(name) || isSecretVariable(name);
}
