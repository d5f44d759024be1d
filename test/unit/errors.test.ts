import assert from 'node:assert/strict';
import { reportError } from '../../src/cli/main.js';
import { PmOAuth2Error } from '../../src/errors.js';
import { CodedError, OAuthError } from '../../src/oauth/errors.js';

describe('one error base: a stable code, recognised by brand', () => {
  it('is recognised across two copies of the modules, and tells the two kinds apart', async () => {
    // A second copy, as a CommonJS caller or a lazily loaded command would get.
    const copy = (await import(
      `../../src/oauth/errors.js?copy=${Date.now()}`
    )) as typeof import('../../src/oauth/errors.js');
    assert.notEqual(copy.OAuthError, OAuthError);
    const oauth = new copy.OAuthError('CONFIG_MISSING', 'oauth2_token_url is not set', 'set it');
    const node = new PmOAuth2Error('USAGE', 'no collections');
    assert.ok(oauth instanceof OAuthError && oauth instanceof CodedError && oauth instanceof copy.CodedError);
    assert.ok(node instanceof PmOAuth2Error && node instanceof CodedError && node instanceof copy.CodedError);
    assert.ok(!(oauth instanceof PmOAuth2Error) && !(node instanceof OAuthError) && !(node instanceof copy.OAuthError));
    assert.ok(!(new Error('x') instanceof CodedError) && !({} instanceof CodedError));
    assert.equal(new PmOAuth2Error('USAGE', 'x', { cause: oauth }).cause, oauth);
  });

  it('the CLI prints either kind plainly, with its code and advice; anything else is a bug', () => {
    const lines: string[] = [];
    const terminal = { out: () => {}, err: (line: string) => lines.push(line) } as unknown as Parameters<
      typeof reportError
    >[1];
    assert.equal(
      reportError(new OAuthError('CONFIG_MISSING', 'oauth2_client_id is not set', 'set it in dev.json'), terminal),
      2,
    );
    assert.equal(reportError(new PmOAuth2Error('INPUT_NOT_JSON', 'a.json: not JSON'), terminal), 2);
    assert.equal(reportError(new TypeError('boom'), terminal), 3);
    assert.equal(lines[0], 'error [CONFIG_MISSING]: oauth2_client_id is not set — set it in dev.json');
    assert.equal(lines[1], 'error [INPUT_NOT_JSON]: a.json: not JSON');
    assert.match(lines[2] ?? '', /^internal error: TypeError: boom/);
  });
});
