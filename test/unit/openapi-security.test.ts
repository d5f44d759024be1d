import assert from 'node:assert/strict';
import { declaredClientCredentials } from '../../src/generator/openapi-security.js';

const oas3 = (paths: string, global = '') => `
openapi: 3.0.3
info: { title: t, version: '1' }
${global}
components:
  securitySchemes:
    partner:
      type: oauth2
      flows:
        clientCredentials: { tokenUrl: 'https://idp.example.com/token', scopes: { a: a, b: b, c: c } }
    other:
      type: oauth2
      flows:
        clientCredentials: { tokenUrl: 'https://other.example.com/token', scopes: { x: x } }
    code:
      type: oauth2
      flows:
        authorizationCode: { authorizationUrl: 'https://idp.example.com/authorize', tokenUrl: 'https://idp.example.com/code-token', scopes: {} }
paths:
${paths}`;

describe('the client credentials flow an OpenAPI document declares', () => {
  it('is found when only operations declare it, with every scope they ask for, and a warning when they differ', () => {
    const found = declaredClientCredentials(
      oas3(`
  /a: { get: { security: [ { partner: [a] } ], responses: { '200': { description: ok } } } }
  /b: { post: { security: [ { code: [] }, { partner: [b, a] } ], responses: { '200': { description: ok } } } }`),
      'spec.yaml',
    );
    assert.deepEqual(found?.tokenUrl, 'https://idp.example.com/token');
    assert.deepEqual(found?.scopes, ['a', 'b']);
    assert.deepEqual(found?.warnings, [
      'spec.yaml: operations ask for different scopes under partner; oauth2_scope asks for all of them ("a b") — narrow it in the environment if the client may not have them all',
    ]);
  });

  it('picks the global requirement first, and names the other schemes in one warning', () => {
    const found = declaredClientCredentials(
      oas3(
        `
  /a: { get: { security: [ { other: [x] } ], responses: { '200': { description: ok } } } }`,
        'security: [ { partner: [c] } ]',
      ),
      'spec.yaml',
    );
    assert.equal(found?.tokenUrl, 'https://idp.example.com/token');
    assert.deepEqual(found?.scopes, ['c']);
    assert.match(
      found?.warnings.join() ?? '',
      /2 client credentials schemes \(partner, other\); the first, partner, fills oauth2_token_url/,
    );
  });

  it('reads Swagger 2 (flow: application), and ignores other flows', () => {
    const swagger = `
swagger: '2.0'
info: { title: t, version: '1' }
securityDefinitions:
  app: { type: oauth2, flow: application, tokenUrl: 'https://legacy.example.com/token', scopes: { r: r } }
  implicit: { type: oauth2, flow: implicit, authorizationUrl: 'https://x', scopes: {} }
paths:
  /r: { get: { security: [ { app: [r] } ], responses: { '200': { description: ok } } } }`;
    assert.deepEqual(declaredClientCredentials(swagger, 's'), {
      tokenUrl: 'https://legacy.example.com/token',
      scopes: ['r'],
      warnings: [],
    });
    assert.equal(
      declaredClientCredentials('openapi: 3.0.0\ninfo: {title: t, version: "1"}\npaths: {}', 's'),
      undefined,
    );
    assert.equal(declaredClientCredentials('{ not yaml: [', 's'), undefined);
  });
});
