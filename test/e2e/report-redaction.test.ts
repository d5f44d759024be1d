// An API that echoes its request (as debugging endpoints and error pages do) puts the client secret and
// the Bearer token into response bodies, which Newman's JSON report keeps as byte arrays, and into test
// names and logs that JUnit and the terminal escape their own way. pm-oauth2 run redacts values where
// they live (bytes decoded, field by field) and then checks what it wrote: nothing of a secret or a
// token may be left in any form, and a report that cannot be cleaned is withheld, never delivered.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Reports } from '../../src/runner/reports.js';
import { decodedByteArrays, valueLeaks } from '../helpers/leaks.js';
import { runBuiltJob, useSuite } from '../helpers/job.js';

/** Awkward secrets: every character that needs escaping somewhere, spaces at the ends, and one that is a prefix of another value. */
const SECRETS = [`Ab"Cd'Ef\\Gh&Ij=Kl+Mn/Op%Qr:St;Uv#Wx é 😀`, ' spaced secret with ends ', 'prefix-secret-1234'];

describe('reports of an API that echoes the secret and the token', function () {
  this.timeout(60_000);
  const suite = useSuite('echo');

  /** The secret in a query, a header, a raw JSON body and a form body; each echo logged and put in a test's name. */
  function echoCollection(base: string, secret: string): object {
    const test = [
      "console.log('echo', pm.response.text());",
      "pm.test('echoed ' + pm.response.text().slice(0, 600), () => pm.response.to.have.status(200));",
    ];
    const request = (name: string, body: object, path = name) => ({
      name,
      request: {
        method: 'POST',
        url: `${base}/${path}?s={{oauth2_client_secret}}&plain=1`,
        // A header takes Latin-1 only: a secret with other characters cannot be sent in one.
        header: [
          ...(/^[\u0020-\u00ff]*$/.test(secret) ? [{ key: 'X-Echo', value: '{{oauth2_client_secret}}' }] : []),
          { key: 'Content-Type', value: 'application/json' },
        ],
        body,
      },
      event: [{ listen: 'test', script: { exec: test } }],
    });
    return {
      info: { name: 'echo', schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json' },
      item: [
        request('raw', { mode: 'raw', raw: '{"secret": "{{oauth2_client_secret}}", "other": "{{other_value}}"}' }),
        request('form', {
          mode: 'urlencoded',
          urlencoded: [
            { key: 'secret', value: '{{oauth2_client_secret}}' },
            { key: 'n', value: '1' },
          ],
        }),
        // In the path too, where a # would end the path (so only for secrets without one).
        ...(secret.includes('#')
          ? []
          : [request('path', { mode: 'raw', raw: 'x' }, 'in/{{oauth2_client_secret}}/path')]),
      ],
    };
  }

  for (const inSandbox of [false, true]) {
    for (const secret of SECRETS) {
      it(`${inSandbox ? '--in-sandbox' : 'in process'}: no report, export or line holds ${JSON.stringify(secret)} or the token in any form`, async () => {
        const { servers, dir } = suite;
        const serial = suite.next();
        const base = `${servers.api.url}/public/echo/e${serial}`;
        const variables = {
          oauth2_token_url: `${servers.faults.url}/ok/echo${serial}`,
          oauth2_client_id: 'echo-client',
          oauth2_client_secret: secret,
          oauth2_client_auth: 'client_secret_post',
          other_value: `${secret}-and-more`,
        };
        const stdout: string[] = [];
        const write = process.stdout.write.bind(process.stdout);
        process.stdout.write = ((chunk: string | Uint8Array) =>
          stdout.push(String(chunk)) > 0) as typeof process.stdout.write;
        const { result, lines } = await runBuiltJob(dir, echoCollection(base, secret), variables, {
          inSandbox,
          reporters: ['cli', 'junit', 'json', 'htmlextra'],
          exportEnvironment: join(dir, `env${serial}.json`),
        }).finally(() => {
          process.stdout.write = write;
        });
        assert.deepEqual(result.withheld, [], 'every report was cleaned by the structural pass');
        assert.equal(result.files.length, 4, 'junit, json, htmlextra and the exported environment');
        const echoes = servers.api.calls.filter((c) => c.path.startsWith(new URL(base).pathname));
        assert.equal(echoes.length, secret.includes('#') ? 2 : 3);
        const token = /^Bearer (.+)$/.exec(echoes[0]?.authorization ?? '')?.[1] ?? '';
        assert.ok(servers.faults.issued.has(token), 'the API saw the real token, so its echo holds it');
        assert.match(stdout.join(''), /echoed/, "the cli reporter's output is captured");
        const texts = [
          lines.join('\n'),
          stdout.join(''),
          ...(await Promise.all(result.files.map((f) => readFile(f, 'utf8')))),
        ];
        const json = texts.find((t) => t.includes('"executions"')) ?? '';
        assert.ok(
          decodedByteArrays(json).some((body) => body.includes('"url":') && body.includes('***')),
          'response bodies stay byte arrays, of the redacted text',
        );
        for (const text of texts) {
          assert.deepEqual(
            valueLeaks(text, secret, 'echo-client'),
            [],
            `a form of the secret in ${text.slice(0, 60)}…`,
          );
          assert.deepEqual(valueLeaks(text, token), [], `a form of the token in ${text.slice(0, 60)}…`);
        }
      });
    }
  }

  it('a report that still holds a secret after redaction is withheld with the reason, and the others are delivered', async () => {
    const reports = await Reports.create({
      reporters: ['junit', 'json'],
      reportDir: join(suite.dir, 'withheld'),
      junitFile: undefined,
    });
    const { reporterOptions, takeExport } = reports.forCollection('leaky');
    takeExport(
      (reporterOptions['junit'] as { export: string }).export,
      '<testsuites><testcase name="clean"/></testsuites>',
    );
    takeExport(
      (reporterOptions['json'] as { export: string }).export,
      JSON.stringify({ body: { type: 'Buffer', data: [...Buffer.from('the s3cret-value')] } }),
    );
    // A structural pass that misses the bytes: the second net must catch them.
    const { Redactor } = await import('../../src/runner/redactor.js');
    const redactor = new Redactor();
    redactor.addSecret('s3cret-value');
    const broken = Object.assign(Object.create(redactor) as typeof redactor, { redactReport: (text: string) => text });
    const outcome = await reports.finish(broken);
    assert.deepEqual(outcome.files, [join(suite.dir, 'withheld', 'junit.xml')]);
    assert.equal(outcome.withheld.length, 1);
    assert.match(
      outcome.withheld[0] ?? '',
      /^the json report of leaky was withheld \(.*leaky\.json not written\): after redaction it still held a secret \(as a byte array\) on line 1/,
    );
    assert.doesNotMatch(outcome.withheld[0] ?? '', /s3cret/);
    await assert.rejects(readFile(join(suite.dir, 'withheld', 'leaky.json')), { code: 'ENOENT' });
  });

  it('a report that cannot be written whole is not delivered: the reason is given, no partial file is left, the others are delivered', async () => {
    const place = join(suite.dir, 'unwritable');
    const reports = await Reports.create({
      reporters: ['junit', 'json'],
      reportDir: place,
      junitFile: join(place, 'sub', 'junit.xml'),
    });
    const { reporterOptions, takeExport } = reports.forCollection('ok');
    takeExport(
      (reporterOptions['junit'] as { export: string }).export,
      '<testsuites><testcase name="a"/></testsuites>',
    );
    takeExport((reporterOptions['json'] as { export: string }).export, '{"run": {}}');
    // The place was checked when the run started; by the end it is a file (a disk that filled up fails the same way).
    await writeFile(join(place, 'sub'), 'in the way', { flag: 'w' }).catch(async () => {
      const { mkdir } = await import('node:fs/promises');
      await mkdir(place, { recursive: true });
      await writeFile(join(place, 'sub'), 'in the way');
    });
    const { Redactor } = await import('../../src/runner/redactor.js');
    const outcome = await reports.finish(new Redactor());
    assert.deepEqual(outcome.files, [join(place, 'ok.json')]);
    assert.equal(outcome.withheld.length, 1);
    assert.match(
      outcome.withheld[0] ?? '',
      /^the junit report was not delivered: .*junit\.xml: cannot be written \((EEXIST|ENOTDIR)\)/,
    );
    const { readdir } = await import('node:fs/promises');
    assert.deepEqual((await readdir(place)).sort(), ['ok.json', 'sub'], 'no temporary or partial file is left');
  });
});
