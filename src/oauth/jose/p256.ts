// ES256 (RFC 7518 §3.4): ECDSA on P-256 with SHA-256, with deterministic nonces (RFC 6979), so no
// randomness of the sandbox is trusted. Points in Jacobian coordinates to avoid an inversion per step,
// k·G by a fixed-base comb.
import { bigIntToBytes, bytesToBigInt, mod, modInverse, type Bytes } from './bytes.js';
import type { Hashes } from './hashes.js';
import type { EcPrivateKey } from './keys.js';

const P = 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn;
const N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

type Jacobian = [x: bigint, y: bigint, z: bigint];
const INFINITY: Jacobian = [0n, 1n, 0n];

/** The JOSE signature: r and s, 32 bytes each. */
export function signEs256(key: EcPrivateKey, data: readonly number[], hashes: Hashes): Bytes {
  const digest = hashes.sha256(data);
  const z = mod(bytesToBigInt(digest), N);
  for (const k of rfc6979Nonces(key.d, digest, hashes)) {
    const r = mod(toAffineX(multiplyBase(k)), N);
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
  const [x, y, z] = multiplyBase(key.d);
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

/**
 * Fixed-base comb (4 teeth, 64 apart): k·G as 63 doublings and at most 64 additions of a
 * precomputed affine point, a third of the double-and-add's work. A DPoP proof is signed for every
 * request inside the sandbox, which starts afresh each time, so the table is a constant, not computed.
 */
function multiplyBase(scalar: bigint): Jacobian {
  let result = INFINITY;
  for (let j = 63; j >= 0; j--) {
    result = double(result);
    let index = 0;
    for (let tooth = 3; tooth >= 0; tooth--) index = (index << 1) | Number((scalar >> BigInt(j + 64 * tooth)) & 1n);
    const point = COMB[index - 1];
    if (point) result = addAffine(result, point);
  }
  return result;
}

/** COMB[i - 1] = Σ bit_t(i)·2^(64t)·G for i = 1…15, affine; generated with Node's ECDH and checked by test/unit/jose.test.ts. */
export const COMB: ReadonlyArray<readonly [bigint, bigint]> = [
  [
    0x6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296n,
    0x4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5n,
  ],
  [
    0x0fa822bc2811aaa58492592e326e25de29493baaad651f7e90e75cb48e14db63n,
    0xbff44ae8f5dba80d6f4ad4bcb3df188b34b1a65050fe82f5e41124545f462ee7n,
  ],
  [
    0x300a4bbc89d6726fb257c0de95e02789e96c98fd0d35f1fa93391ce2097992afn,
    0x72aac7e0d09b46447f1ddb25ff1e3c6f5bb1eeada9d806a5aa54a291c08127a0n,
  ],
  [
    0x447d739beedb5e67fb982fd588c6766efc35ff7dc297eac357c84fc9d789bd85n,
    0x2d4825ab834131eee12e9d953a4aaff73d349b95a7fae5000c7e33c972e25b32n,
  ],
  [
    0xef9519328a9c72ffddc6068bb91dfc60ef7fbd2b1a0a11b713949c932a1d367fn,
    0x611e9fc37dbb2c9bc1ee9807022c219c23183b0895ca1740196035a77376d8a8n,
  ],
  [
    0x550663797b51f5d87dea6482e11238bf2936df5ec6c9bc36cae2b1920b57f4bcn,
    0x157164848aecb8510afa40018d9d50e59fb3d576dbdefbe144ffe216348a964cn,
  ],
  [
    0xeb5d7745b21141eaa2e8f483f43e43917ccd84e70d715f26e48ecafffc5cde01n,
    0xeafd72ebdbecc17b0990e6a158006cee85f22cfe2844b645cac917e2731a3479n,
  ],
  [
    0xa6d39677a78492762736ff8344315fc596439591a3c6b94a6cf20ffb313728ben,
    0x674f84749b0b881666b8babd2d27ecdf824a920c2284059bf2bab833c357f5f4n,
  ],
  [
    0x4e769e7672c9ddad31855f7db8c7fedb74e02f080203a56b2df48c04677c8a3en,
    0x42b99082de8306631ec0057206947281fb9ae16f3b9122a5a4c36165b824bbb0n,
  ],
  [
    0x78878ef61c6ce04d7fdc1ca008a1c478d1f89e799c0ce1316ef95150dda868b9n,
    0xb6cb3f5d7b72c321de53142c12309def6ace570ebde08d4f9c62b9121fe0d976n,
  ],
  [
    0x0c88bc4d716b1287595c5220812ffcae5b82dd5bd54fb4967f991ed2c31a3573n,
    0xdd5ddea3f3901dc618d1b5b39c04e6aa7c8181f4df2564f33a57bf635f48aca8n,
  ],
  [
    0x68f344af6b317466efe0a423083e49f343a0a28c42ba792fe96a79fb3e72ad0cn,
    0x31b9c405f8540a20604ed93c24d67ff3668bfc2271f5c626cdfe17db3fb24d4an,
  ],
  [
    0x4052bf4b6f461db9663c62c3edbad7a00d1a10144ec39c28d36b4789a2582e7fn,
    0xfecf4d5190b0fc61862be6bd71d70cc8e724f33999bfcc5b235a27c3188d25ebn,
  ],
  [
    0x1eddbae2c802e41a123202a8f62bff7aafdf5cc08526a7a474346c10a1d4cfacn,
    0x43104d86560ebcfc0c45f45273db33a036e06b7e4c7019178fa0af2dd603f844n,
  ],
  [
    0xb48e26b484f7a21c0a4a46fb6aaf363a66b0de3225c4744b9615b5110d1d78e5n,
    0xfac015404d4d3dab64131bcdfed6f668c004e4048b7b0f9806ebb0f621a01b2dn,
  ],
];

function double([x, y, z]: Jacobian): Jacobian {
  if (z === 0n || y === 0n) return INFINITY;
  const yy = mod(y * y, P);
  const s = mod(4n * x * yy, P);
  const zz = mod(z * z, P);
  const m = mod(3n * (x - zz) * (x + zz), P); // a = -3
  const x3 = mod(m * m - 2n * s, P);
  return [x3, mod(m * (s - x3) - 8n * yy * yy, P), mod(2n * y * z, P)];
}

/** A Jacobian point plus an affine one (z = 1): the mixed addition, cheaper than the general one. */
function addAffine(a: Jacobian, [x2, y2]: readonly [bigint, bigint]): Jacobian {
  if (a[2] === 0n) return [x2, y2, 1n];
  const z1z1 = mod(a[2] * a[2], P);
  const h = mod(x2 * z1z1 - a[0], P);
  const r = mod(y2 * a[2] * z1z1 - a[1], P);
  if (h === 0n) return r === 0n ? double(a) : INFINITY;
  const hh = mod(h * h, P);
  const hhh = mod(h * hh, P);
  const x3 = mod(r * r - hhh - 2n * a[0] * hh, P);
  return [x3, mod(r * (a[0] * hh - x3) - a[1] * hhh, P), mod(a[2] * h, P)];
}

function toAffineX([x, , z]: Jacobian): bigint {
  const zInverse = modInverse(z, P);
  return mod(x * zInverse * zInverse, P);
}
