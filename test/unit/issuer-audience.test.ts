import assert from 'node:assert/strict';
import { readTokenConfig } from '../../src/oauth/config.js';
import { IssuerAudiences, metadataCandidates } from '../../src/runner/assertion/issuer-audience.js';

const config = (tokenUrl: string, audience: string) =>
  readTokenConfig(
    (name) =>
      ({
        oauth2_token_url: tokenUrl,
        oauth2_client_id: 'c',
        oauth2_client_auth: 'private_key_jwt',
        oauth2_private_key: 'k',
        oauth2_assertion_audience: audience,
      })[name],
  );

describe('oauth2_assertion_audience=issuer: the issuer from the metadata of this token endpoint', () => {
  it("looks where OpenID Connect Discovery and RFC 8414 publish it, from the token URL's path up", () => {
    assert.deepEqual(metadataCandidates('https://kc.test/realms/acme/protocol/openid-connect/token').slice(0, 6), [
      'https://kc.test/realms/acme/protocol/openid-connect/.well-known/openid-configuration',
      'https://kc.test/.well-known/oauth-authorization-server/realms/acme/protocol/openid-connect',
      'https://kc.test/realms/acme/protocol/.well-known/openid-configuration',
      'https://kc.test/.well-known/oauth-authorization-server/realms/acme/protocol',
      'https://kc.test/realms/acme/.well-known/openid-configuration',
      'https://kc.test/.well-known/oauth-authorization-server/realms/acme',
    ]);
    assert.deepEqual(metadataCandidates('https://idp.test/token'), [
      'https://idp.test/.well-known/openid-configuration',
      'https://idp.test/.well-known/oauth-authorization-server',
    ]);
  });

  it('takes the issuer of the metadata whose token_endpoint is this token URL, once per URL; leaves other audiences alone', async () => {
    const tokenUrl = 'https://kc.test/realms/acme/protocol/openid-connect/token';
    const asked: string[] = [];
    const documents: Record<string, Record<string, unknown>> = {
      // Another realm's document, nearer the root: never taken.
      'https://kc.test/.well-known/openid-configuration': {
        issuer: 'https://kc.test/realms/other',
        token_endpoint: 'https://kc.test/realms/other/protocol/openid-connect/token',
      },
      'https://kc.test/realms/acme/.well-known/openid-configuration': {
        issuer: 'https://kc.test/realms/acme',
        token_endpoint: tokenUrl,
      },
    };
    const issuers = new IssuerAudiences(async (url) => {
      asked.push(url);
      return documents[url];
    });
    assert.equal((await issuers.resolve(config(tokenUrl, 'issuer'))).assertion.audience, 'https://kc.test/realms/acme');
    const count = asked.length;
    await issuers.resolve(config(tokenUrl, 'issuer'));
    assert.equal(asked.length, count, 'found once');
    const literal = config(tokenUrl, 'https://elsewhere');
    assert.equal(await issuers.resolve(literal), literal);
  });

  it('fails closed, saying to write the issuer, when no metadata names this token endpoint', async () => {
    const issuers = new IssuerAudiences(async () => ({ issuer: 'https://x', token_endpoint: 'https://x/other-token' }));
    await assert.rejects(
      issuers.resolve(config('https://idp.test/oauth2/token', 'issuer')),
      /no metadata found near oauth2_token_url names it as its token_endpoint/,
    );
  });
});
