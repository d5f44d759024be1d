import assert from 'node:assert/strict';
import { readTokenConfig } from '../../src/oauth/config.js';
import { buildTokenRequest } from '../../src/oauth/token-request.js';

function request(vars: Record<string, string>) {
  const all: Record<string, string> = {
    oauth2_token_url: 'https://idp/token',
    oauth2_client_id: 'my client',
    oauth2_client_secret: 'a+b/c=:&% é',
    ...vars,
  };
  return buildTokenRequest(readTokenConfig((name) => all[name]));
}

const header = (r: ReturnType<typeof request>, name: string) => r.headers.find((h) => h.key === name)?.value;

describe('buildTokenRequest', () => {
  it('client_secret_basic form-encodes id and secret before base64 (RFC 6749 §2.3.1)', () => {
    const r = request({});
    const expected = Buffer.from(
      `${new URLSearchParams('x=my client').toString().slice(2)}:${'a%2Bb%2Fc%3D%3A%26%25+%C3%A9'}`,
    ).toString('base64');
    assert.equal(header(r, 'Authorization'), `Basic ${expected}`);
    assert.equal(Buffer.from(expected, 'base64').toString(), 'my+client:a%2Bb%2Fc%3D%3A%26%25+%C3%A9');
    assert.equal(r.body, 'grant_type=client_credentials');
    assert.equal(header(r, 'Content-Type'), 'application/x-www-form-urlencoded');
  });

  it('client_secret_post sends the credentials as form fields and no Authorization header', () => {
    const r = request({ oauth2_client_auth: 'client_secret_post' });
    assert.equal(header(r, 'Authorization'), undefined);
    const form = new URLSearchParams(r.body);
    assert.equal(form.get('client_id'), 'my client');
    assert.equal(form.get('client_secret'), 'a+b/c=:&% é');
  });

  it('none sends only the client id', () => {
    const r = request({ oauth2_client_auth: 'none', oauth2_client_secret: '' });
    assert.equal(r.body, 'grant_type=client_credentials&client_id=my+client');
  });

  for (const method of ['tls_client_auth', 'self_signed_tls_client_auth']) {
    it(`${method} (RFC 8705) needs no secret and sends only the client id: the certificate is on the connection`, () => {
      const r = request({ oauth2_client_auth: method, oauth2_client_secret: '' });
      assert.equal(r.body, 'grant_type=client_credentials&client_id=my+client');
      assert.equal(
        r.headers.find((h) => h.key === 'Authorization'),
        undefined,
      );
    });
  }

  it('adds scope, audience, every resource and the extra params', () => {
    const r = request({
      oauth2_scope: 'read write',
      oauth2_audience: 'https://api',
      oauth2_resource: 'urn:a urn:b',
      oauth2_extra_params: 'tenant=x%20y&x=1',
    });
    const form = new URLSearchParams(r.body);
    assert.equal(form.get('scope'), 'read write');
    assert.equal(form.get('audience'), 'https://api');
    assert.deepEqual(form.getAll('resource'), ['urn:a', 'urn:b']);
    assert.equal(form.get('tenant'), 'x y');
    assert.equal(form.get('x'), '1');
  });
});
