// A DER reader for just what private keys need: SEQUENCE, INTEGER, OCTET STRING, OID, context tags.
import type { Bytes } from './bytes.js';

export interface Asn1 {
  readonly tag: number;
  /** The content bytes. */
  readonly value: Bytes;
  /** Children, for constructed types (SEQUENCE and context-specific constructed tags). */
  readonly children: Asn1[];
}

export class Asn1Error extends Error {}

export function readDer(bytes: readonly number[]): Asn1 {
  const { node, end } = readNode(bytes, 0);
  if (end !== bytes.length) throw new Asn1Error('trailing bytes after the DER structure');
  return node;
}

function readNode(bytes: readonly number[], start: number): { node: Asn1; end: number } {
  const tag = bytes[start];
  if (tag === undefined) throw new Asn1Error('truncated DER');
  let offset = start + 1;
  let length = bytes[offset++] ?? 0;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4) throw new Asn1Error('unsupported DER length');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (bytes[offset++] ?? 0);
  }
  const end = offset + length;
  if (end > bytes.length) throw new Asn1Error('truncated DER');
  const value = bytes.slice(offset, end);
  const constructed = (tag & 0x20) !== 0;
  return { node: { tag, value, children: constructed ? readChildren(bytes, offset, end) : [] }, end };
}

function readChildren(bytes: readonly number[], start: number, end: number): Asn1[] {
  const children: Asn1[] = [];
  let offset = start;
  while (offset < end) {
    const { node, end: next } = readNode(bytes, offset);
    children.push(node);
    offset = next;
  }
  return children;
}

export const TAG = { integer: 0x02, octetString: 0x04, oid: 0x06, sequence: 0x30 } as const;

export function oidHex(node: Asn1 | undefined): string {
  return (node?.value ?? []).map((b) => (b < 16 ? '0' : '') + b.toString(16)).join('');
}
