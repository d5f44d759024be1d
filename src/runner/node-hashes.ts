// The signing code's hashes in Node, from node:crypto: what the sandbox gets from crypto-js.
import { createHash, createHmac } from 'node:crypto';
import type { Hashes } from '../oauth/jose/hashes.js';

export const nodeHashes: Hashes = {
  sha256: (data) => [...createHash('sha256').update(Buffer.from(data)).digest()],
  sha1: (data) => [...createHash('sha1').update(Buffer.from(data)).digest()],
  hmacSha256: (key, data) => [...createHmac('sha256', Buffer.from(key)).update(Buffer.from(data)).digest()],
};
