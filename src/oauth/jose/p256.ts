// ES256 (RFC 7518 §3.4): ECDSA on P-256 with SHA-256, with deterministic nonces (RFC 6979), so no
// randomness of the sandbox is trusted. Points in Jacobian coordinates to avoid an inversion per step.
import { bigIntToBytes, bytesToBigInt, mod, modInverse, type Bytes } from './bytes.js';
import type { Hashes } from './hashes.js';
import type { EcPrivateKey } from './keys.js';

const P = 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn;
const N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const G: Jacobian = [
  0x6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296n,
  0x4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5n,
  1n,
];

type Jacobian = [x: bigint, y: bigint, z: bigint];
const INFINITY: Jacobian = [0n, 1n, 0n];

/** The JOSE signature: r and s, 32 bytes each. */
export function signEs256(key: EcPrivateKey, data: readonly number[], hashes: Hashes): Bytes {
  const digest = hashes.sha256(data);
  const z = mod(bytesToBigInt(digest), N);
  for (const k of rfc6979Nonces(key.d, digest, hashes)) {
    const r = mod(toAffineX(multiply(G, k)), N);
    if (r === 0n) continue;
    const s = mod(modInverse(k, N) * (z + r * key.d), N);
    if (s === 0n) continue;
    return [...bigIntToBytes(r, 32), ...bigIntToBytes(s, 32)];
  }
  throw new Error('unreachable: RFC 6979 yields nonces forever');
}

/** The key's public point, as its JWK gives it (x, y): carried by the key, else computed (d·G). */
export function publicPointOf(key: EcPrivateKey): { x: bigint; y: bigint } {
  if (key.publicPoint) return key.publicPoint;
  const [x, y, z] = multiply(G, key.d);
  const zInverse = modInverse(z, P);
  const zz = mod(zInverse * zInverse, P);
  return { x: mod(x * zz, P), y: mod(y * zz * zInverse, P) };
}

/** RFC 6979 §3.2 with HMAC-SHA256 and qlen = hlen = 256. */
export function* rfc6979Nonces(d: bigint, digest: readonly number[], hashes: Hashes): Generator<bigint> {
  const x = bigIntToBytes(d, 32);
  const h1 = bigIntToBytes(mod(bytesToBigInt(digest), N), 32);
  let v: Bytes = new Array(32).fill(0x01);
  let k: Bytes = new Array(32).fill(0x00);
  k = hashes.hmacSha256(k, [...v, 0x00, ...x, ...h1]);
  v = hashes.hmacSha256(k, v);
  k = hashes.hmacSha256(k, [...v, 0x01, ...x, ...h1]);
  v = hashes.hmacSha256(k, v);
  for (;;) {
    v = hashes.hmacSha256(k, v);
    const candidate = bytesToBigInt(v);
    if (candidate >= 1n && candidate < N) yield candidate;
    k = hashes.hmacSha256(k, [...v, 0x00]);
    v = hashes.hmacSha256(k, v);
  }
}

function multiply(point: Jacobian, scalar: bigint): Jacobian {
  let result = INFINITY;
  for (let bit = BigInt(scalar.toString(2).length - 1); bit >= 0n; bit--) {
    result = double(result);
    if ((scalar >> bit) & 1n) result = add(result, point);
  }
  return result;
}

function double([x, y, z]: Jacobian): Jacobian {
  if (z === 0n || y === 0n) return INFINITY;
  const yy = mod(y * y, P);
  const s = mod(4n * x * yy, P);
  const zz = mod(z * z, P);
  const m = mod(3n * (x - zz) * (x + zz), P); // a = -3
  const x3 = mod(m * m - 2n * s, P);
  return [x3, mod(m * (s - x3) - 8n * yy * yy, P), mod(2n * y * z, P)];
}

function add(a: Jacobian, b: Jacobian): Jacobian {
  if (a[2] === 0n) return b;
  if (b[2] === 0n) return a;
  const z1z1 = mod(a[2] * a[2], P);
  const z2z2 = mod(b[2] * b[2], P);
  const u1 = mod(a[0] * z2z2, P);
  const u2 = mod(b[0] * z1z1, P);
  const s1 = mod(a[1] * b[2] * z2z2, P);
  const s2 = mod(b[1] * a[2] * z1z1, P);
  if (u1 === u2) return s1 === s2 ? double(a) : INFINITY;
  const h = u2 - u1;
  const r = s2 - s1;
  const hh = mod(h * h, P);
  const hhh = mod(h * hh, P);
  const x3 = mod(r * r - hhh - 2n * u1 * hh, P);
  return [x3, mod(r * (u1 * hh - x3) - s1 * hhh, P), mod(a[2] * b[2] * h, P)];
}

function toAffineX([x, , z]: Jacobian): bigint {
  const zInverse = modInverse(z, P);
  return mod(x * zInverse * zInverse, P);
}
