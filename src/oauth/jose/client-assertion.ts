// The client assertion of RFC 7523 §2.2 / OpenID Connect Core §9: a short-lived JWT, signed with the
// client secret (client_secret_jwt, HS256) or the client's private key (private_key_jwt).
import { clientAuthOf } from '../client-auth.js';
import { base64Decode, utf8Bytes } from '../base64.js';
import type { AssertionAlg, TokenConfig } from '../config.js';
import { OAuthError } from '../errors.js';
import { VARIABLES } from '../vocabulary.js';
import { base64UrlEncode, hexToBytes } from './bytes.js';
import type { Hashes } from './hashes.js';
import { parsePrivateKey, type PrivateKey } from './keys.js';
import { signEs256 } from './p256.js';
import { pssSalt, signPs256, signRs256 } from './rsa.js';

/** oauth2_assertion_audience's word for the server's issuer identifier, which pm-oauth2 run finds in its metadata. */
export const ISSUER_AUDIENCE = 'issuer';

/** Long enough for a slow token endpoint, short enough that a leaked assertion is soon useless. */
export const ASSERTION_LIFETIME_SECONDS = 60;

/**
 * @param jti unique per assertion: servers reject a replayed one
 * @param random the source of PS256's salt
 * @throws OAuthError CONFIG_INVALID when the key cannot be parsed or does not fit the algorithm
 */
export function createClientAssertion(
  config: TokenConfig,
  hashes: Hashes,
  nowMs: number,
  jti: string,
  random: () => number = Math.random,
): string {
  if (config.assertion.audience === ISSUER_AUDIENCE)
    throw new OAuthError(
      'CONFIG_INVALID',
      `${VARIABLES.assertionAudience}=issuer is found in the server's metadata by pm-oauth2 run only`,
      `in Postman or newman, write the issuer identifier itself in ${VARIABLES.assertionAudience}`,
    );
  const { alg, sign } = signerFor(config, hashes, random);
  const header: Record<string, string> = { alg, typ: config.assertion.typ || 'JWT' };
  if (config.assertion.keyId) header['kid'] = config.assertion.keyId;
  Object.assign(header, thumbprints(config, hashes));
  const iat = Math.floor(nowMs / 1000);
  const claims = {
    iss: config.clientId,
    sub: config.clientId,
    aud: config.assertion.audience || config.tokenUrl,
    jti,
    iat,
    exp: iat + ASSERTION_LIFETIME_SECONDS,
  };
  const input = `${base64UrlEncode(utf8Bytes(JSON.stringify(header)))}.${base64UrlEncode(utf8Bytes(JSON.stringify(claims)))}`;
  return `${input}.${base64UrlEncode(sign(utf8Bytes(input)))}`;
}

function signerFor(
  config: TokenConfig,
  hashes: Hashes,
  random: () => number,
): { alg: AssertionAlg; sign: (data: number[]) => number[] } {
  const wanted = config.assertion.alg;
  if (clientAuthOf(config.clientAuth).assertion === 'secret') {
    if (wanted && wanted !== 'HS256')
      throw mismatch(
        `client_secret_jwt signs with HS256, not ${wanted}`,
        `set ${VARIABLES.assertionAlg}=HS256 or leave it empty`,
      );
    const key = utf8Bytes(config.clientSecret);
    return { alg: 'HS256', sign: (data) => hashes.hmacSha256(key, data) };
  }
  const key = parsePrivateKey(config.assertion.privateKey);
  const alg = wanted || (key.kind === 'RSA' ? (key.alg ?? 'RS256') : 'ES256');
  if (alg === 'RS256' && key.kind === 'RSA') return { alg, sign: (data) => signRs256(key, data, hashes) };
  if (alg === 'PS256' && key.kind === 'RSA')
    return { alg, sign: (data) => signPs256(key, data, hashes, pssSalt(random)) };
  if (alg === 'ES256' && key.kind === 'EC') return { alg, sign: (data) => signEs256(key, data, hashes) };
  throw mismatch(
    `is ${describe(key)}, which cannot sign ${alg}`,
    `set ${VARIABLES.assertionAlg} to ${key.kind === 'RSA' ? 'RS256 or PS256' : 'ES256'}, or leave it empty`,
  );
}

function describe(key: PrivateKey): string {
  return key.kind === 'RSA' ? `an RSA key (${key.size * 8} bits)` : 'a P-256 EC key';
}

function mismatch(problem: string, fix: string): OAuthError {
  return new OAuthError('CONFIG_INVALID', `${VARIABLES.privateKey} ${problem}`, fix);
}

/**
 * The certificate's thumbprints for the header (RFC 7515 §4.1.7-8): Entra ID identifies a certificate
 * credential by x5t (SHA-1) or x5t#S256 (SHA-256). Given as hex, the length says which; computed from
 * the certificate, both.
 */
function thumbprints(config: TokenConfig, hashes: Hashes): Record<string, string> {
  const hex = config.assertion.certificateThumbprint.replace(/[\s:]/g, '');
  if (hex) {
    if (/^[0-9a-fA-F]{40}$/.test(hex)) return { x5t: base64UrlEncode(hexToBytes(hex)) };
    if (/^[0-9a-fA-F]{64}$/.test(hex)) return { 'x5t#S256': base64UrlEncode(hexToBytes(hex)) };
    throw new OAuthError(
      'CONFIG_INVALID',
      `${VARIABLES.certificateThumbprint} is not a certificate thumbprint (40 hex digits for SHA-1, 64 for SHA-256)`,
      'copy the thumbprint shown for the certificate in the app registration, or set oauth2_certificate to the certificate',
    );
  }
  if (!config.assertion.certificate) return {};
  const pem = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/.exec(
    config.assertion.certificate.replace(/\\n/g, '\n'),
  );
  const der = pem ? base64Decode((pem[1] ?? '').replace(/\s+/g, '')) : undefined;
  if (!der)
    throw new OAuthError(
      'CONFIG_INVALID',
      `${VARIABLES.certificate} is not a PEM certificate`,
      'paste the certificate from -----BEGIN CERTIFICATE----- to the END line',
    );
  return { x5t: base64UrlEncode(hashes.sha1(der)), 'x5t#S256': base64UrlEncode(hashes.sha256(der)) };
}
