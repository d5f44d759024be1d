// The signing code's hashes, from the sandbox's crypto-js: bytes in, bytes out.
import type { Hashes } from '../oauth/jose/hashes.js';

interface WordArray {
  words: number[];
  sigBytes: number;
}

export interface CryptoJsLike {
  SHA256(data: WordArray | string): WordArray;
  SHA1(data: WordArray): WordArray;
  HmacSHA256(data: WordArray, key: WordArray): WordArray;
  lib: { WordArray: { create(words: number[], sigBytes: number): WordArray } };
}

export function cryptoJsHashes(CryptoJS: CryptoJsLike): Hashes {
  const toWords = (bytes: readonly number[]): WordArray => {
    const words: number[] = [];
    for (let i = 0; i < bytes.length; i++)
      words[i >>> 2] = (words[i >>> 2] ?? 0) | ((bytes[i] ?? 0) << (24 - (i % 4) * 8));
    return CryptoJS.lib.WordArray.create(words, bytes.length);
  };
  const toBytes = (wordArray: WordArray): number[] => {
    const bytes: number[] = [];
    for (let i = 0; i < wordArray.sigBytes; i++)
      bytes.push(((wordArray.words[i >>> 2] ?? 0) >>> (24 - (i % 4) * 8)) & 0xff);
    return bytes;
  };
  return {
    sha256: (data) => toBytes(CryptoJS.SHA256(toWords(data))),
    sha1: (data) => toBytes(CryptoJS.SHA1(toWords(data))),
    hmacSha256: (key, data) => toBytes(CryptoJS.HmacSHA256(toWords(data), toWords(key))),
  };
}
