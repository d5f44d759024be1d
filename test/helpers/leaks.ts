// What a reader of a report or a log could recover: a secret in any common encoding, or inside the
// base64 of a Basic header. Written apart from src/ so that a gap in the redactor is not shared here.

const rfcForm = (s: string) =>
  encodeURIComponent(s)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

/** The ways the text gives the secret away; empty when it does not. */
export function credentialLeaks(text: string, secret: string, clientId = ''): string[] {
  const forms: Array<[string, string]> = [
    ['raw', secret],
    ['JSON-escaped', JSON.stringify(secret).slice(1, -1)],
    ['URL-encoded', encodeURIComponent(secret)],
    ['form-encoded', rfcForm(secret)],
  ];
  if (clientId)
    forms.push(
      ['Basic (RFC)', b64(`${rfcForm(clientId)}:${rfcForm(secret)}`)],
      ['Basic (raw)', b64(`${clientId}:${secret}`)],
    );
  const found = forms
    .filter(([, form]) => form.length >= 4 && text.includes(form))
    .map(([name]) => `the secret ${name}`);
  for (const match of text.matchAll(/Basic\s+([A-Za-z0-9+/]{4,}={0,2})/g)) {
    const decoded = Buffer.from(match[1] ?? '', 'base64').toString('utf8');
    if (decoded.includes(secret) || decoded.includes(rfcForm(secret)))
      found.push(`a Basic header that decodes to the secret (${match[0].slice(0, 12)}…)`);
  }
  return found;
}

/** Every Buffer a JSON report serialised ({"type":"Buffer","data":[…]}), as the text it holds, read as UTF-8 and as Latin-1. */
export function decodedByteArrays(text: string): string[] {
  const out: string[] = [];
  for (const match of text.matchAll(/"type"\s*:\s*"Buffer"\s*,\s*"data"\s*:\s*\[([\d,\s]*)\]/g)) {
    const bytes = Buffer.from(
      (match[1] ?? '')
        .split(',')
        .filter((b) => b.trim())
        .map(Number),
    );
    out.push(bytes.toString('utf8'), bytes.toString('latin1'));
  }
  return out;
}

const html = (s: string) =>
  s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#x27;')
    .replace(/=/g, '&#x3D;');

/**
 * What a reader of a report could recover of a value: credentialLeaks' forms, plus its bytes inside a
 * JSON report's byte arrays, JSON then HTML escaping, RFC 3986's %27, UTF-8 read as Latin-1, and each
 * part of at least 6 characters that a query string or form splits it into at & = # ?.
 */
export function valueLeaks(text: string, value: string, clientId = ''): string[] {
  const texts = [text, ...decodedByteArrays(text)];
  const parts = [value, ...value.split(/[&=#?]/).filter((p) => p.length >= 6 && p !== value)];
  const found = new Set<string>();
  for (const t of texts) {
    for (const leak of credentialLeaks(t, value, clientId)) found.add(t === text ? leak : `${leak} in a byte array`);
    for (const part of parts) {
      const forms: Array<[string, string]> = [
        ['JSON then HTML', html(JSON.stringify(part).slice(1, -1))],
        [
          'RFC 3986',
          encodeURIComponent(part).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`),
        ],
        ['UTF-8 read as Latin-1', Buffer.from(part, 'utf8').toString('latin1')],
        ['URL then HTML', html(encodeURIComponent(part))],
        ...(part === value
          ? []
          : [
              ['a fragment', part] as [string, string],
              ['a fragment, JSON', JSON.stringify(part).slice(1, -1)] as [string, string],
            ]),
      ];
      for (const [name, form] of forms)
        if (form.length >= 6 && t.includes(form)) found.add(`${name}${t === text ? '' : ' in a byte array'}`);
    }
  }
  return [...found];
}
