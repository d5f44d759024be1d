import { base64Decode, utf8Decode } from './base64.js';

export interface DecodedJwt {
  readonly header: Record<string, unknown>;
  readonly claims: Record<string, unknown>;
}

/**
 * Decodes a JWS compact serialisation WITHOUT verifying it: for display and for the expiry of a
 * token we were just handed by the token endpoint, never for trust decisions. Undefined when the
 * text is not a JWT (opaque tokens are normal).
 */
export function decodeJwt(token: string): DecodedJwt | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const header = decodeJsonPart(parts[0] ?? '');
  const claims = decodeJsonPart(parts[1] ?? '');
  return header && claims ? { header, claims } : undefined;
}

function decodeJsonPart(part: string): Record<string, unknown> | undefined {
  const bytes = base64Decode(part);
  if (!bytes) return undefined;
  try {
    const value: unknown = JSON.parse(utf8Decode(bytes));
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
