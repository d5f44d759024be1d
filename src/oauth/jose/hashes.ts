import type { Bytes } from './bytes.js';

/**
 * The hash functions the signing code needs, handed in: crypto-js in the sandbox, node:crypto in
 * Node, so this code stays pure and is tested against Node's own.
 */
export interface Hashes {
  sha256(data: readonly number[]): Bytes;
  sha1(data: readonly number[]): Bytes;
  hmacSha256(key: readonly number[], data: readonly number[]): Bytes;
}
