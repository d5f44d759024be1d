import assert from 'node:assert/strict';
import { readTokenConfig } from '../../src/oauth/config.js';

const base = {
  oauth2_token_url: 'https://idp.example.com/token',
  oauth2_client_id: 'client',
  oauth2_client_secret: 's3cret',
};

function read(vars: Record<string, string>) {
  return readTokenConfig((name) => vars[name]);
}

describe('readTokenConfig', () => {
  it('applies the defaults', () => {
    const config = read(base);
    assert.equal(config.clientAuth, 'client_secret_basic');
    assert.equal(config.tokenTimeoutMs, 30_000);
    assert.equal(config.refreshMarginSeconds, undefined);
    assert.deepEqual(config.resources, []);
  });

  it('normalises scope and splits resources', () => {
    const config = read({ ...base, oauth2_scope: '  b a\tb ', oauth2_resource: 'https://a https://b' });
    assert.equal(config.scope, 'b a');
    assert.deepEqual(config.resources, ['https://a', 'https://b']);
  });

  it('lists every missing variable at once, with where to set it', () => {
    assert.throws(
      () => read({}),
      (error: Error & { code: string }) => {
        assert.equal(error.code, 'CONFIG_MISSING');
        for (const name of ['oauth2_token_url', 'oauth2_client_id', 'oauth2_client_secret'])
          assert.match(error.message, new RegExp(`${name} is not set`));
        assert.match(error.message, /active environment/);
        return true;
      },
    );
  });

  it('refuses oauth2_extra_params that would override the client or the grant, or repeat a variable that is set', () => {
    for (const name of ['grant_type', 'client_id', 'client_secret', 'client_assertion', 'client_assertion_type']) {
      assert.throws(
        () => read({ ...base, oauth2_extra_params: `tenant=a&${name}=x` }),
        (error: Error & { code: string }) => {
          assert.equal(error.code, 'CONFIG_INVALID');
          assert.match(error.message, new RegExp(`oauth2_extra_params sets ${name}, which pm-oauth2 sets itself`));
          assert.match(error.message, /take it out of oauth2_extra_params/);
          assert.doesNotMatch(error.message, /=x/, 'the value is not shown');
          return true;
        },
      );
    }
    assert.throws(() => read({ ...base, oauth2_scope: 'a', oauth2_extra_params: 'scope=b&audience=c' }), {
      code: 'CONFIG_INVALID',
      message: /sets scope, which .*scope is set by oauth2_scope already/,
    });
    assert.deepEqual(
      read({ ...base, oauth2_extra_params: 'audience=c&tenant=t' }).extraParams,
      [
        ['audience', 'c'],
        ['tenant', 't'],
      ],
      'audience alone, as some exports carry it, still works',
    );
  });

  it('refuses a token URL with userinfo, showing it masked, and does not call a loopback one remote', () => {
    for (const url of [
      'https://admin:s3cr3t-pw@idp.example.com/token',
      'http://client:s3cr3t-pw@127.0.0.1:8080/token',
      'https://only-user@idp.example.com/token',
    ]) {
      assert.throws(
        () => read({ ...base, oauth2_token_url: url }),
        (error: Error & { code: string }) => {
          assert.equal(error.code, 'CONFIG_INVALID');
          assert.match(
            error.message,
            /oauth2_token_url carries a user name or password before its host \(https?:\/\/\*\*\*@/,
          );
          assert.doesNotMatch(error.message, /s3cr3t-pw|only-user|plain http/);
          return true;
        },
      );
    }
  });

  it('refuses an oauth2_token_timeout a timer cannot hold (an hour at most), saying the limit', () => {
    assert.equal(read({ ...base, oauth2_token_timeout: '3600' }).tokenTimeoutMs, 3_600_000);
    for (const seconds of ['3601', '2147484']) {
      assert.throws(() => read({ ...base, oauth2_token_timeout: seconds }), {
        code: 'CONFIG_INVALID',
        message: new RegExp(`oauth2_token_timeout is ${seconds} seconds, more than the 3600 it takes`),
      });
    }
  });

  it('needs no secret for a public client', () => {
    assert.equal(read({ ...base, oauth2_client_secret: '', oauth2_client_auth: 'none' }).clientAuth, 'none');
  });

  it('names a reference that did not resolve', () => {
    assert.throws(() => read({ ...base, oauth2_client_secret: '{{ qa_secret }}' }), {
      code: 'CONFIG_MISSING',
      message: /oauth2_client_secret refers to \{\{qa_secret\}\}, which is not set/,
    });
  });

  it('rejects malformed values, naming them and the fix', () => {
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ oauth2_token_url: 'idp.example.com/token' }, /oauth2_token_url is not an http\(s\) URL — write the full/],
      [
        { oauth2_client_auth: 'basic' },
        /oauth2_client_auth is "basic" — use one of client_secret_basic, client_secret_post, client_secret_jwt, private_key_jwt, tls_client_auth, self_signed_tls_client_auth, none/,
      ],
      [{ oauth2_refresh_margin: 'soon' }, /oauth2_refresh_margin is "soon", not a number of seconds/],
      [{ oauth2_token_timeout: '0' }, /oauth2_token_timeout is "0"/],
    ];
    for (const [vars, message] of cases)
      assert.throws(() => read({ ...base, ...vars }), { code: 'CONFIG_INVALID', message });
  });

  it('never puts the secret into a message', () => {
    assert.throws(
      () => read({ ...base, oauth2_client_secret: 'TOPSECRET', oauth2_client_auth: 'nope' }),
      (error: Error) => !error.message.includes('TOPSECRET'),
    );
  });
});
