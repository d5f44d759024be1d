/**
 * Masks a token for logs: a short prefix (for a JWT, just its header's start, which is not secret)
 * and the length, e.g. `eyJhbG…(812 chars)`.
 */
export function maskToken(token: string): string {
  const shown = Math.min(6, Math.floor(token.length / 4));
  return `${token.slice(0, shown)}…(${token.length} chars)`;
}

/** Replaces every occurrence of the given secrets in a text; a last guard for server-echoed text. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.split(secret).join('***');
  }
  return out;
}
