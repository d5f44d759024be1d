// Private keys from what users have: PEM (PKCS#8, PKCS#1 for RSA, SEC1 for EC) or a private JWK.
import { base64Decode } from '../base64.js';
import { OAuthError } from '../errors.js';
import { VARIABLES } from '../vocabulary.js';
import { readDer, oidHex, TAG, Asn1Error, type Asn1 } from './asn1.js';
import { bytesToBigInt, byteLength } from './bytes.js';

export interface RsaPrivateKey {
  readonly kind: 'RSA';
  readonly n: bigint;
  readonly e: bigint;
  readonly d: bigint;
  readonly p: bigint;
  readonly q: bigint;
  readonly dp: bigint;
  readonly dq: bigint;
  readonly qi: bigint;
  /** Modulus length in bytes. */
  readonly size: number;
  /** The algorithm a JWK is pinned to ("alg"), when it is one we sign with. */
  readonly alg?: 'RS256' | 'PS256';
}

export interface EcPrivateKey {
  readonly kind: 'EC';
  readonly curve: 'P-256';
  readonly d: bigint;
  /** The public point, when the key carries it (a JWK, most PEMs): saves computing it, a signature's cost. */
  readonly publicPoint?: { readonly x: bigint; readonly y: bigint };
}

export type PrivateKey = RsaPrivateKey | EcPrivateKey;

const OID = {
  rsaEncryption: '2a864886f70d010101',
  ecPublicKey: '2a8648ce3d0201',
  p256: '2a8648ce3d030107',
} as const;

const V = VARIABLES.privateKey;

function invalid(problem: string, fix: string): OAuthError {
  return new OAuthError('CONFIG_INVALID', `${V} ${problem}`, fix);
}

/**
 * @param variable the variable the key came from, which the errors name
 * @throws OAuthError CONFIG_INVALID naming what is wrong with the key, never its content
 */
export function parsePrivateKey(text: string, variable: string = V): PrivateKey {
  try {
    return parseKey(text);
  } catch (error) {
    if (!(error instanceof OAuthError) || variable === V) throw error;
    throw new OAuthError(error.code, variable + error.message.slice(V.length), error.advice);
  }
}

function parseKey(text: string): PrivateKey {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) return parseJwk(trimmed);
  const pem = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/.exec(trimmed.replace(/\\n/g, '\n'));
  if (!pem)
    throw invalid(
      'is neither a PEM private key nor a JWK',
      'paste the whole PEM, from -----BEGIN PRIVATE KEY----- to the END line, or the private JWK as JSON',
    );
  const label = pem[1] ?? '';
  const der = base64Decode((pem[2] ?? '').replace(/\s+/g, ''));
  if (!der) throw invalid(`has a ${label} block that is not base64`, 'paste the PEM again, unchanged');
  try {
    if (label === 'PRIVATE KEY') return fromPkcs8(readDer(der));
    if (label === 'RSA PRIVATE KEY') return fromPkcs1(readDer(der));
    if (label === 'EC PRIVATE KEY') return fromSec1(readDer(der));
  } catch (error) {
    if (error instanceof Asn1Error)
      throw invalid(`has a ${label} block that is not valid DER (${error.message})`, 'paste the PEM again, unchanged');
    throw error;
  }
  if (label === 'ENCRYPTED PRIVATE KEY')
    throw invalid('is encrypted', 'decrypt it first: openssl pkcs8 -topk8 -nocrypt -in key.pem');
  throw invalid(
    `is a ${label}, not a private key`,
    'use the private key (BEGIN PRIVATE KEY), not a certificate or public key',
  );
}

function fromPkcs8(root: Asn1): PrivateKey {
  const [, algorithm, key] = root.children;
  const [oid, parameters] = algorithm?.children ?? [];
  const inner = readDer(key?.value ?? []);
  if (oidHex(oid) === OID.rsaEncryption) return fromPkcs1(inner);
  if (oidHex(oid) === OID.ecPublicKey) {
    if (oidHex(parameters) !== OID.p256)
      throw invalid(
        'is an EC key on a curve other than P-256',
        'use a P-256 key (ES256): openssl ecparam -name prime256v1 -genkey',
      );
    return fromSec1(inner, true);
  }
  throw invalid(
    'is neither an RSA nor an EC key (Ed25519 and others are not supported)',
    'use an RSA (RS256, PS256) or P-256 (ES256) key',
  );
}

function fromPkcs1(root: Asn1): RsaPrivateKey {
  const ints = root.children.filter((c) => c.tag === TAG.integer).map((c) => bytesToBigInt(c.value));
  if (ints.length < 9)
    throw invalid('is not a complete RSA private key', 'export the full private key (with its CRT parameters)');
  const [, n, e, d, p, q, dp, dq, qi] = ints as [
    bigint,
    bigint,
    bigint,
    bigint,
    bigint,
    bigint,
    bigint,
    bigint,
    bigint,
  ];
  return rsaKey({ n, e, d, p, q, dp, dq, qi });
}

function fromSec1(root: Asn1, curveKnown = false): EcPrivateKey {
  const d = root.children.find((c) => c.tag === TAG.octetString);
  const curve = root.children.find((c) => c.tag === 0xa0)?.children[0];
  if (!d) throw invalid('is not a complete EC private key', 'export the full private key');
  if (!curveKnown && curve && oidHex(curve) !== OID.p256)
    throw invalid('is an EC key on a curve other than P-256', 'use a P-256 key (ES256)');
  // RFC 5915: publicKey [1] BIT STRING, an unused-bits byte then the uncompressed point 04 || x || y.
  const point = root.children.find((c) => c.tag === 0xa1)?.children[0]?.value ?? [];
  const publicPoint =
    point.length === 66 && point[1] === 0x04
      ? { x: bytesToBigInt(point.slice(2, 34)), y: bytesToBigInt(point.slice(34)) }
      : undefined;
  return { kind: 'EC', curve: 'P-256', d: bytesToBigInt(d.value), ...(publicPoint ? { publicPoint } : {}) };
}

function parseJwk(text: string): PrivateKey {
  let jwk: Record<string, unknown>;
  try {
    jwk = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw invalid('starts like a JWK but is not JSON', 'paste the JWK as JSON');
  }
  const big = (name: string): bigint => {
    const bytes = typeof jwk[name] === 'string' ? base64Decode(jwk[name] as string) : undefined;
    if (!bytes) throw invalid(`is a JWK without "${name}"`, 'use the private JWK (with "d"), not the public one');
    return bytesToBigInt(bytes);
  };
  if (jwk['kty'] === 'RSA') {
    const key = rsaKey({
      n: big('n'),
      e: big('e'),
      d: big('d'),
      p: big('p'),
      q: big('q'),
      dp: big('dp'),
      dq: big('dq'),
      qi: big('qi'),
    });
    return jwk['alg'] === 'RS256' || jwk['alg'] === 'PS256' ? { ...key, alg: jwk['alg'] } : key;
  }
  if (jwk['kty'] === 'EC') {
    if (jwk['crv'] !== 'P-256')
      throw invalid(`is an EC JWK on ${String(jwk['crv'])}, not P-256`, 'use a P-256 key (ES256)');
    const publicPoint =
      typeof jwk['x'] === 'string' && typeof jwk['y'] === 'string' ? { x: big('x'), y: big('y') } : undefined;
    return { kind: 'EC', curve: 'P-256', d: big('d'), ...(publicPoint ? { publicPoint } : {}) };
  }
  throw invalid(`is a JWK of type ${String(jwk['kty'])}`, 'use an RSA or EC (P-256) key');
}

function rsaKey(parts: Omit<RsaPrivateKey, 'kind' | 'size'>): RsaPrivateKey {
  if (parts.p * parts.q !== parts.n)
    throw invalid('is an RSA key whose parts do not fit together', 'export the key again');
  const size = byteLength(parts.n);
  if (size < 256) throw invalid(`is a ${size * 8}-bit RSA key`, 'use at least 2048 bits (servers reject shorter keys)');
  return { kind: 'RSA', ...parts, size };
}
