import assert from 'node:assert/strict';
import { proxyFor } from '../../src/runner/token-endpoint-proxy.js';

// The cases postman-request (Newman's requester) decides this way, so the token request and the
// API requests take the same route.
describe('the proxy of a token URL, as Newman chooses it', () => {
  const proxy = 'http://proxy.internal:3128';
  const at = (url: string, env: NodeJS.ProcessEnv) => proxyFor(new URL(url), env);

  it('HTTP_PROXY for http, HTTPS_PROXY (else HTTP_PROXY) for https, either case; ALL_PROXY is not read', () => {
    assert.equal(at('http://idp.internal/token', { HTTP_PROXY: proxy }), proxy);
    assert.equal(at('http://idp.internal/token', { http_proxy: proxy }), proxy);
    assert.equal(at('http://idp.internal/token', { HTTPS_PROXY: proxy }), undefined);
    assert.equal(at('https://idp.internal/token', { https_proxy: proxy, HTTP_PROXY: 'http://other:1' }), proxy);
    assert.equal(at('https://idp.internal/token', { HTTP_PROXY: proxy }), proxy);
    assert.equal(at('https://idp.internal/token', { ALL_PROXY: proxy }), undefined);
    assert.equal(at('https://idp.internal/token', { HTTPS_PROXY: '' }), undefined, 'an empty variable is no proxy');
  });

  it('NO_PROXY: *, a host or domain suffix on a label boundary, a port when one is named', () => {
    const env = (noProxy: string) => ({ HTTPS_PROXY: proxy, HTTP_PROXY: proxy, NO_PROXY: noProxy });
    assert.equal(at('https://idp.internal/token', env('*')), undefined);
    assert.equal(at('https://login.corp.example/token', env('corp.example')), undefined);
    assert.equal(at('https://login.corp.example/token', env('.corp.example')), undefined);
    assert.equal(at('https://login.notcorp.example/token', env('corp.example')), proxy, 'not a label boundary');
    assert.equal(at('https://idp.internal:8443/token', env('idp.internal:8443')), undefined);
    assert.equal(at('https://idp.internal/token', env('idp.internal:8443')), proxy, 'another port');
    assert.equal(at('https://idp.internal/token', env('idp.internal:443')), undefined, "the scheme's default port");
    assert.equal(at('http://127.0.0.1:4010/token', env(' localhost , 127.0.0.1 ')), undefined);
    assert.equal(at('http://idp.internal/token', { HTTP_PROXY: proxy, no_proxy: 'IDP.internal' }), undefined);
  });
});
