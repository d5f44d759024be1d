import assert from 'node:assert/strict';
import { Redactor } from '../../src/runner/redactor.js';

/** Secrets whose encodings differ from each other: each form must be found on its own. */
const HOSTILE_SECRETS = [
  'two words here',
  'say "hi" now',
  'back\\slash\\x',
  "bang!quote'(paren)*star",
  'b+s/c=:&%25 x',
  'äöü-é-ß-€-😀-secret',
  'naïve "quoted" \\ é',
];

const CLIENT_ID = 'client:id é';

// Each encoder is written here independently of src/, as a reporter or a server would write the value.
const HTML: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#x27;',
  '`': '&#x60;',
  '=': '&#x3D;',
};
const asciiJson = (s: string) =>
  JSON.stringify(s).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
const rfcForm = (s: string) =>
  encodeURIComponent(s)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

/** How a reporter or a server writes the secret, and the text around it. */
const ENCODINGS: Array<[name: string, encode: (secret: string) => string, embed: (form: string) => string]> = [
  ['raw text', (s) => s, (f) => `the secret is ${f} in a log line`],
  ['a JSON string', (s) => JSON.stringify(s).slice(1, -1), (f) => `{"note":"${f}"}`],
  [
    'JSON inside a JSON string',
    (s) => JSON.stringify(JSON.stringify(s)).slice(3, -3),
    (f) => `{"body":"{\\"note\\":\\"${f}\\"}"}`,
  ],
  ['JSON with \\u escapes', (s) => asciiJson(s).slice(1, -1), (f) => `{"note":"${f}"}`],
  ['HTML (handlebars)', (s) => s.replace(/[&<>"'`=]/g, (c) => HTML[c] ?? c), (f) => `<td>${f}</td>`],
  [
    'HTML (&#39; and &quot;)',
    (s) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/'/g, '&#39;'),
    (f) => `<td>${f}</td>`,
  ],
  ['a URL query (encodeURIComponent)', (s) => encodeURIComponent(s), (f) => `https://api.example/x?q=${f}&n=1`],
  ['a form body (RFC 6749 Appendix B)', (s) => rfcForm(s), (f) => `grant_type=client_credentials&note=${f}`],
  [
    'a form body (URLSearchParams)',
    (s) => new URLSearchParams({ n: s }).toString().slice(2),
    (f) => `grant_type=client_credentials&note=${f}`,
  ],
  [
    'a Basic header, form-encoded first (RFC 6749 §2.3.1)',
    (s) => b64(`${rfcForm(CLIENT_ID)}:${rfcForm(s)}`),
    (f) => `Authorization: Basic ${f}`,
  ],
  ["a Basic header, raw (Postman's helper)", (s) => b64(`${CLIENT_ID}:${s}`), (f) => `Authorization: Basic ${f}`],
  [
    'a Basic header echoed in another header, in JSON',
    (s) => b64(`${CLIENT_ID}:${s}`),
    (f) => `{"header":[{"key":"X-Echo","value":"Basic ${f}"}]}`,
  ],
  [
    'the base64 of id:secret alone, form-encoded first',
    (s) => b64(`${rfcForm(CLIENT_ID)}:${rfcForm(s)}`),
    (f) => `{"echo":"${f}"}`,
  ],
  ['the base64 of id:secret alone, raw', (s) => b64(`${CLIENT_ID}:${s}`), (f) => `{"echo":"${f}"}`],
];

describe('Redactor', () => {
  describe('masks a known secret in every encoding a report can hold it in', () => {
    for (const secret of HOSTILE_SECRETS) {
      for (const [name, encode, embed] of ENCODINGS) {
        it(`${name}: ${JSON.stringify(secret)}`, () => {
          const redactor = new Redactor();
          redactor.addCredentials(CLIENT_ID, secret);
          const form = encode(secret);
          const out = redactor.redact(embed(form));
          assert.ok(!out.includes(form) && !out.includes(secret), `still readable in: ${out}`);
          assert.ok(out.includes('***'), out);
        });
      }
    }
  });

  it('masks a token as its mask, in raw and JSON forms', () => {
    const redactor = new Redactor();
    const token = 'opaque-token-"quoted"-value-1234567890';
    redactor.addToken(token);
    const out = redactor.redact(`${JSON.stringify({ t: token })} ${token}`);
    assert.ok(!out.includes('quoted'), out);
    assert.match(out, /opaque…\(38 chars\)/);
  });

  it('masks a JWT it was never told about, in a line and in every string of a JSON report', () => {
    const redactor = new Redactor();
    redactor.addToken('the-known-token-1234');
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJvdGhlciJ9.c2lnbmF0dXJl';
    assert.equal(redactor.redact(`other: ${jwt}.`), 'other: eyJhbG…(54 chars).');
    const report = redactor.redactReport(JSON.stringify({ run: { logs: [`got ${jwt}`], [jwt]: 'as a key' } }));
    assert.ok(!report.includes(jwt), report);
    assert.equal((report.match(/eyJhbG…\(54 chars\)/g) ?? []).length, 2, report);
  });

  it('masks credentials by where they stand, even when their value was never told to it', () => {
    const redactor = new Redactor();
    const basic = Buffer.from('someone:unknown-secret').toString('base64');
    const report = {
      request: {
        header: [
          { key: 'Authorization', value: `Basic ${basic}` },
          { key: 'Proxy-Authorization', value: 'Basic cHJveHk6cGFzcw==' },
          { key: 'cookie', value: 'session=abc123' },
          { key: 'Accept', value: 'application/json' },
        ],
        body: {
          mode: 'raw',
          raw: 'grant_type=client_credentials&client_id=c&client_secret=unknown%2Fsecret&client_assertion=eyJ0eXAi.x.y',
        },
      },
      form: { urlencoded: [{ key: 'password', value: 'hunter2-unknown' }] },
      json: '{"client_secret":"in-a-json-body","other":"kept"}',
      environment: {
        values: [
          { key: 'oauth2_token_fingerprint', value: 'v3:abcdef' },
          { key: 'oauth2_admin_client_secret', value: 'xyz-unknown' },
          { key: 'api_base_url', value: 'http://kept' },
        ],
      },
    };
    const out = JSON.stringify(redactor.redactJson(report));
    for (const gone of [
      basic,
      'cHJveHk6cGFzcw==',
      'abc123',
      'unknown%2Fsecret',
      'eyJ0eXAi',
      'hunter2',
      'in-a-json-body',
      'v3:abcdef',
      'xyz-unknown',
    ]) {
      assert.ok(!out.includes(gone), `${gone} is still in ${out}`);
    }
    for (const kept of ['Basic ***', 'application/json', 'client_id=c', '"other\\":\\"kept', 'http://kept'])
      assert.ok(out.includes(kept), `${kept} is missing from ${out}`);
  });

  it('masks Basic credentials and credential fields in any text, and leaves the word "Basic" in prose alone', () => {
    const redactor = new Redactor();
    const text = `Authorization: Basic ${Buffer.from('a:b-c').toString('base64')}; use Basic authentication; WWW-Authenticate: Basic realm="x"; ?client_secret=abc&x=1`;
    assert.equal(
      redactor.redact(text),
      'Authorization: Basic ***; use Basic authentication; WWW-Authenticate: Basic realm="x"; ?client_secret=***&x=1',
    );
  });

  it('keeps a JSON report valid JSON when a secret with " and \\ is echoed inside a string of it', () => {
    const secret = 'echo/"secret"&x\\é';
    const redactor = new Redactor();
    redactor.addCredentials('c', secret);
    const echoed = JSON.stringify({
      error: 'invalid_request',
      error_description: `bad request: grant_type=client_credentials&client_id=c&client_secret=${secret}`,
    });
    const report = JSON.stringify({ response: { stream: echoed }, note: `the secret: ${secret}` }, null, 2);
    const out = redactor.redactReport(report);
    const parsed = JSON.parse(out) as { response: { stream: string }; note: string };
    assert.ok(
      !out.includes('secret"') && !parsed.response.stream.includes(secret) && !parsed.note.includes(secret),
      out,
    );
    assert.equal(parsed.note, 'the secret: ***');
  });

  it('redacts a JSON report by structure and keeps it JSON; other reports by value', () => {
    const redactor = new Redactor();
    redactor.addSecret('s3cr3t-value');
    const json = redactor.redactReport(
      JSON.stringify({ header: [{ key: 'Authorization', value: 'Bearer abc.def' }], note: 's3cr3t-value' }),
    );
    assert.deepEqual(JSON.parse(json), { header: [{ key: 'Authorization', value: 'Bearer ***' }], note: '***' });
    assert.equal(redactor.redactReport('<testcase name="s3cr3t-value"/>'), '<testcase name="***"/>');
  });

  it('keeps the test names of a JSON report ({assertion: <name>}), and masks an assertion form field by its key', () => {
    const redactor = new Redactor();
    const report = {
      assertions: [{ assertion: 'status is 200', skipped: false }],
      body: { mode: 'urlencoded', urlencoded: [{ key: 'assertion', value: 'eyJhbGciOiJSUzI1NiJ9.e30.c2ln' }] },
    };
    const out = JSON.parse(redactor.redactReport(JSON.stringify(report))) as typeof report;
    assert.equal(out.assertions[0]?.assertion, 'status is 200');
    assert.equal(out.body.urlencoded[0]?.value, '***');
  });
});
