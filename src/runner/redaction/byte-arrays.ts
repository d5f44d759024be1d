// A Buffer serialised to JSON ({"type": "Buffer", "data": [83, 120, …]}) is how Newman's JSON report
// keeps every response body: no text search sees a secret in it. It is decoded, redacted as text, and
// written back as bytes of the redacted text.

export interface SerialisedBuffer {
  type: 'Buffer';
  data: number[];
}

export function isSerialisedBuffer(value: unknown): value is SerialisedBuffer {
  const record = value as Partial<SerialisedBuffer> | null;
  return (
    !!record &&
    typeof record === 'object' &&
    record.type === 'Buffer' &&
    Array.isArray(record.data) &&
    record.data.every((b) => Number.isInteger(b) && b >= 0 && b < 256)
  );
}

/**
 * The bytes as text in the charset they were written in (UTF-8 unless they are not valid UTF-8, then
 * Latin-1, which reads any byte), redacted, and back to bytes; the same object when nothing changed.
 */
export function redactBytes(buffer: SerialisedBuffer, redactText: (text: string) => string): SerialisedBuffer {
  const redacted = redactBuffer(Buffer.from(buffer.data), redactText);
  return redacted ? { type: 'Buffer', data: [...redacted] } : buffer;
}

/** The same for a live Buffer: the redacted bytes, or undefined when nothing changed. */
export function redactBuffer(bytes: Buffer, redactText: (text: string) => string): Buffer | undefined {
  const charset: BufferEncoding = isUtf8(bytes) ? 'utf8' : 'latin1';
  const text = bytes.toString(charset);
  const redacted = redactText(text);
  return redacted === text ? undefined : Buffer.from(redacted, charset);
}

function isUtf8(bytes: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}
