// RS256 (RFC 7518 §3.3): RSASSA-PKCS1-v1_5 with SHA-256, the private operation by the CRT.
import { bigIntToBytes, bytesToBigInt, hexToBytes, mod, modPow, type Bytes } from './bytes.js';
import type { Hashes } from './hashes.js';
import type { RsaPrivateKey } from './keys.js';

/** DER of DigestInfo's AlgorithmIdentifier for SHA-256, and the OCTET STRING header (RFC 8017 §9.2). */
const SHA256_DIGEST_INFO = hexToBytes('3031300d060960864801650304020105000420');

export function signRs256(key: RsaPrivateKey, data: readonly number[], hashes: Hashes): Bytes {
  const digestInfo = [...SHA256_DIGEST_INFO, ...hashes.sha256(data)];
  const padding = new Array(key.size - digestInfo.length - 3).fill(0xff);
  const encoded = [0x00, 0x01, ...padding, 0x00, ...digestInfo];
  return bigIntToBytes(privateOperation(key, bytesToBigInt(encoded)), key.size);
}

function privateOperation(key: RsaPrivateKey, m: bigint): bigint {
  const s1 = modPow(m, key.dp, key.p);
  const s2 = modPow(m, key.dq, key.q);
  const h = mod(key.qi * (s1 - s2), key.p);
  return s2 + h * key.q;
}
