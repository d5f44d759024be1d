// RS256 (RFC 7518 §3.3) and PS256 (§3.5) over one RSA private operation, by the CRT.
import { bigIntToBytes, bytesToBigInt, hexToBytes, mod, modPow, type Bytes } from './bytes.js';
import type { Hashes } from './hashes.js';
import type { RsaPrivateKey } from './keys.js';

/** DER of DigestInfo's AlgorithmIdentifier for SHA-256, and the OCTET STRING header (RFC 8017 §9.2). */
const SHA256_DIGEST_INFO = hexToBytes('3031300d060960864801650304020105000420');
const SHA256_LENGTH = 32;

/** RSASSA-PKCS1-v1_5 with SHA-256: deterministic, so byte-identical to any other signer's. */
export function signRs256(key: RsaPrivateKey, data: readonly number[], hashes: Hashes): Bytes {
  const digestInfo = [...SHA256_DIGEST_INFO, ...hashes.sha256(data)];
  const padding = new Array(key.size - digestInfo.length - 3).fill(0xff);
  const encoded = [0x00, 0x01, ...padding, 0x00, ...digestInfo];
  return bigIntToBytes(privateOperation(key, bytesToBigInt(encoded)), key.size);
}

/**
 * RSASSA-PSS with SHA-256, MGF1-SHA-256 and a salt as long as the hash, as RFC 7518 §3.5 requires.
 * The salt need not be secret or unpredictable for the signature to be safe (RFC 8017 §8.1 allows
 * even an empty one), so Math.random, which is all the sandbox has, is enough for it.
 */
export function signPs256(key: RsaPrivateKey, data: readonly number[], hashes: Hashes, salt: readonly number[]): Bytes {
  if (salt.length !== SHA256_LENGTH) throw new RangeError(`the PS256 salt must be ${SHA256_LENGTH} bytes`);
  const emBits = bitLength(key.n) - 1;
  const emLength = Math.ceil(emBits / 8);
  const h = hashes.sha256([0, 0, 0, 0, 0, 0, 0, 0, ...hashes.sha256(data), ...salt]);
  const db = [...new Array(emLength - salt.length - SHA256_LENGTH - 2).fill(0), 0x01, ...salt];
  const mask = mgf1Sha256(h, db.length, hashes);
  const maskedDb = db.map((byte, i) => byte ^ (mask[i] ?? 0));
  maskedDb[0] = (maskedDb[0] ?? 0) & (0xff >> (8 * emLength - emBits));
  return bigIntToBytes(privateOperation(key, bytesToBigInt([...maskedDb, ...h, 0xbc])), key.size);
}

/** 32 bytes from a source of numbers in [0, 1). */
export function pssSalt(random: () => number = Math.random): Bytes {
  return Array.from({ length: SHA256_LENGTH }, () => Math.floor(random() * 256));
}

/** MGF1 of RFC 8017 Appendix B.2.1. */
function mgf1Sha256(seed: readonly number[], length: number, hashes: Hashes): Bytes {
  const mask: Bytes = [];
  for (let counter = 0; mask.length < length; counter++) {
    mask.push(
      ...hashes.sha256([
        ...seed,
        (counter >>> 24) & 0xff,
        (counter >>> 16) & 0xff,
        (counter >>> 8) & 0xff,
        counter & 0xff,
      ]),
    );
  }
  return mask.slice(0, length);
}

function bitLength(value: bigint): number {
  return value.toString(2).length;
}

function privateOperation(key: RsaPrivateKey, m: bigint): bigint {
  const s1 = modPow(m, key.dp, key.p);
  const s2 = modPow(m, key.dq, key.q);
  const h = mod(key.qi * (s1 - s2), key.p);
  return s2 + h * key.q;
}
