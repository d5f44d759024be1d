import assert from 'node:assert/strict';
import { parseTokenResponse, type TokenHttpResponse } from '../../src/oauth/token-response.js';

const NOW = 1_700_000_000_000;

function response(status: number, body: unknown, headers: Record<string, string> = {}): TokenHttpResponse {
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return {
    status,
    header: (name) => lower[name.toLowerCase()] ?? '',
    body: typeof body === 'string' ? body : JSON.stringify(body),
  };
}

function jwt(claims: object): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'RS256', typ: 'at+jwt' })}.${part(claims)}.c2ln`;
}

describe('parseTokenResponse', () => {
  it('reads a standard answer', () => {
    const token = parseTokenResponse(
      response(200, { access_token: 'abc', token_type: 'Bearer', expires_in: 300, scope: 'read' }),
      NOW,
    );
    assert.deepEqual(token, {
      accessToken: 'abc',
      issuedAt: NOW,
      expiresAt: NOW + 300_000,
      lifetimeSource: 'expires_in',
      grantedScope: 'read',
      tokenType: 'Bearer',
    });
  });

  it('compares token_type case-insensitively and accepts it missing', () => {
    assert.equal(parseTokenResponse(response(200, { access_token: 'a', token_type: 'bearer' }), NOW).accessToken, 'a');
    assert.equal(parseTokenResponse(response(200, { access_token: 'a' }), NOW).accessToken, 'a');
  });

  it('refuses a redirect, naming where it points without userinfo, query or fragment (RFC 9700 §4.11.2)', () => {
    const cases: Array<[location: string, shown: RegExp]> = [
      [
        'https://user:pw@other.example:8443/oauth/token?code=x#f',
        /redirects to https:\/\/other\.example:8443\/oauth\/token;/,
      ],
      ['/v2/token?x=1', /redirects to \/v2\/token;/],
      ['', /redirects elsewhere \(no Location header\);/],
    ];
    for (const [location, shown] of cases) {
      for (const status of [301, 302, 303, 307, 308]) {
        assert.throws(
          () =>
            parseTokenResponse(
              response(status, { access_token: 'from-the-redirect' }, location ? { location } : {}),
              NOW,
            ),
          (error: { code: string; message: string; advice: string; details: { status: number } }) => {
            assert.equal(error.code, 'TOKEN_ERROR_RESPONSE');
            assert.match(error.message, shown);
            assert.doesNotMatch(error.message, /pw|code=x|#f/);
            assert.match(error.advice, /set oauth2_token_url to it .*--ignore-redirects/);
            assert.equal(error.details.status, status);
            return true;
          },
        );
      }
    }
  });

  it('rejects another token type, saying which', () => {
    assert.throws(() => parseTokenResponse(response(200, { access_token: 'a', token_type: 'DPoP' }), NOW), {
      code: 'TOKEN_RESPONSE_INVALID',
      message: /type "DPoP", not Bearer/,
    });
  });

  it('takes expires_in as a string, then the JWT exp, then the default', () => {
    assert.equal(
      parseTokenResponse(response(200, { access_token: 'a', expires_in: '120' }), NOW).expiresAt,
      NOW + 120_000,
    );
    const fromJwt = parseTokenResponse(response(200, { access_token: jwt({ exp: NOW / 1000 + 42 }) }), NOW);
    assert.equal(fromJwt.lifetimeSource, 'jwt_exp');
    assert.equal(fromJwt.expiresAt, NOW + 42_000);
    const fallback = parseTokenResponse(response(200, { access_token: 'opaque' }), NOW);
    assert.equal(fallback.lifetimeSource, 'default');
    assert.equal(fallback.expiresAt, NOW + 300_000);
  });

  it('refuses what is no lifetime, a token already expired, a token no header can carry and an oversized answer; caps a very long lifetime', () => {
    for (const expiresIn of [-5, 0, 'abc', '', true, { s: 1 }]) {
      assert.throws(
        () => parseTokenResponse(response(200, { access_token: 'opaque', expires_in: expiresIn }), NOW),
        { code: 'TOKEN_RESPONSE_INVALID', message: /expires_in .*, which is no lifetime in seconds/ },
        JSON.stringify(expiresIn),
      );
    }
    assert.throws(
      () => parseTokenResponse(response(200, { access_token: jwt({ exp: NOW / 1000 - 30 }), expires_in: 300 }), NOW),
      { code: 'TOKEN_RESPONSE_INVALID', message: /already expired \(its exp was 30 s ago\)/ },
    );
    for (const token of ['abc\r\nX-Injected: 1', 'two words', 'tab\there', 'caf\u00e9']) {
      assert.throws(
        () => parseTokenResponse(response(200, { access_token: token }), NOW),
        (error: { code: string; message: string }) => {
          assert.equal(error.code, 'TOKEN_RESPONSE_INVALID');
          assert.match(
            error.message,
            /an access_token holding (a control character \(CR, LF, …\)|a space|a non-ASCII character) at position \d+, which no Authorization header can carry/,
          );
          assert.ok(!error.message.includes(token), 'the token is not shown');
          return true;
        },
      );
    }
    const huge = parseTokenResponse(response(200, { access_token: 'opaque', expires_in: 1e12 }), NOW);
    assert.equal(huge.expiresAt, NOW + 24 * 3600 * 1000);
    assert.equal(huge.lifetimeSource, 'expires_in, capped at 24 h');
    assert.throws(
      () => parseTokenResponse(response(200, `{"access_token": "a", "padding": "${'x'.repeat(1024 * 1024)}"}`), NOW),
      { code: 'TOKEN_RESPONSE_INVALID', message: /more than 1 MiB/ },
    );
  });

  it('takes the JWT exp when it comes before now + expires_in (exp is in whole seconds)', () => {
    const token = parseTokenResponse(
      response(200, { access_token: jwt({ exp: NOW / 1000 + 1.5 }), expires_in: 2 }),
      NOW,
    );
    assert.equal(token.expiresAt, NOW + 1500);
    assert.equal(token.lifetimeSource, 'jwt_exp');
    assert.equal(
      parseTokenResponse(response(200, { access_token: jwt({ exp: NOW / 1000 + 99 }), expires_in: 2 }), NOW)
        .lifetimeSource,
      'expires_in',
    );
  });

  it('explains an HTML page instead of JSON', () => {
    assert.throws(
      () =>
        parseTokenResponse(response(200, '<!doctype html><title>Login</title>', { 'Content-Type': 'text/html' }), NOW),
      {
        code: 'TOKEN_RESPONSE_INVALID',
        message: /answered 200 with an HTML page instead of a JSON token/,
        advice: /login page/,
      },
    );
  });

  it('explains broken JSON and a missing access_token', () => {
    assert.throws(() => parseTokenResponse(response(200, '{"access_token": "a"'), NOW), {
      code: 'TOKEN_RESPONSE_INVALID',
      message: /not a JSON object/,
    });
    assert.throws(() => parseTokenResponse(response(200, { token: 'a', expires_in: 1 }), NOW), {
      code: 'TOKEN_RESPONSE_INVALID',
      message: /without an access_token \(fields: token, expires_in\)/,
    });
  });

  it('reports an error answer with its error, description and challenge, and advice', () => {
    const answer = response(
      401,
      { error: 'invalid_client', error_description: 'client authentication failed' },
      { 'WWW-Authenticate': 'Basic realm="x"' },
    );
    assert.throws(() => parseTokenResponse(answer, NOW), {
      code: 'TOKEN_ERROR_RESPONSE',
      message:
        'the token endpoint answered 401 invalid_client: "client authentication failed" (WWW-Authenticate: Basic realm="x")',
      advice: /oauth2_client_secret.*client_secret_post/,
    });
    assert.throws(() => parseTokenResponse(response(400, { error: 'invalid_scope' }), NOW), { advice: /oauth2_scope/ });
    assert.throws(
      () => parseTokenResponse(response(404, '<html>Not found</html>', { 'content-type': 'text/html' }), NOW),
      { message: /404 \(an HTML page\)/, advice: /well-known/ },
    );
  });

  it('keeps server text to one bounded line', () => {
    const answer = response(400, { error: 'invalid_request', error_description: 'x\n'.repeat(500) });
    assert.throws(
      () => parseTokenResponse(answer, NOW),
      (error: Error) => !error.message.includes('\n') && error.message.length < 300,
    );
  });

  it("gives a provider's own advice for the error texts it is known by, and the OAuth advice otherwise", () => {
    const adviceFor = (status: number, body: object) => {
      try {
        parseTokenResponse(response(status, body), NOW);
      } catch (error) {
        return (error as { advice: string }).advice;
      }
      throw new Error('accepted');
    };
    const cases: Array<[number, object, RegExp]> = [
      [
        401,
        { error: 'invalid_client', error_description: 'AADSTS7000215: Invalid client secret provided. Trace ID: 1' },
        /Entra ID: the client secret is wrong/,
      ],
      [
        400,
        {
          error: 'invalid_scope',
          error_description: 'AADSTS70011: The provided request must include a scope input parameter.',
        },
        /api:\/\/<api-app-id>\/\.default/,
      ],
      [
        400,
        { error: 'unauthorized_client', error_description: 'Client not enabled to retrieve service account' },
        /Keycloak: turn on the client's Service accounts roles/,
      ],
      [
        403,
        { error: 'access_denied', error_description: 'Client has not been granted scopes: read:orders' },
        /Auth0: authorize the application for the API/,
      ],
    ];
    for (const [status, body, advice] of cases) assert.match(adviceFor(status, body), advice);
    assert.doesNotMatch(adviceFor(401, { error: 'invalid_client', error_description: 'bad' }), /Entra|Keycloak|Auth0/);
  });
});
