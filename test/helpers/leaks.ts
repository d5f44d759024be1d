// What a reader of a report or a log could recover: a secret in any common encoding, or inside the
// base64 of a Basic header. Written apart from src/ so that a gap in the redactor is not shared here.

const rfcForm = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).replace(/%20/g, '+');
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

/** The ways the text gives the secret away; empty when it does not. */
export function credentialLeaks(text: string, secret: string, clientId = ''): string[] {
  const forms: Array<[string, string]> = [
    ['raw', secret],
    ['JSON-escaped', JSON.stringify(secret).slice(1, -1)],
    ['URL-encoded', encodeURIComponent(secret)],
    ['form-encoded', rfcForm(secret)],
  ];
  if (clientId) forms.push(['Basic (RFC)', b64(`${rfcForm(clientId)}:${rfcForm(secret)}`)], ['Basic (raw)', b64(`${clientId}:${secret}`)]);
  const found = forms.filter(([, form]) => form.length >= 4 && text.includes(form)).map(([name]) => `the secret ${name}`);
  for (const match of text.matchAll(/Basic\s+([A-Za-z0-9+/]{4,}={0,2})/g)) {
    const decoded = Buffer.from(match[1] ?? '', 'base64').toString('utf8');
    if (decoded.includes(secret) || decoded.includes(rfcForm(secret))) found.push(`a Basic header that decodes to the secret (${match[0].slice(0, 12)}…)`);
  }
  return found;
}
