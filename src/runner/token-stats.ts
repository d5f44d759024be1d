// Counts the token requests our script makes, from Newman's events: a pm.sendRequest call fires a
// `request` event whose cursor carries the script's id.

export interface TokenStats {
  count: number;
  totalMs: number;
}

interface RequestEventArgs {
  cursor?: { scriptId?: string };
  request?: { url?: { toString(): string } };
  response?: { responseTime?: number; text?(): string };
}

export function createTokenStats(): TokenStats {
  return { count: 0, totalMs: 0 };
}

/**
 * Records the event when it is a call to a token URL made from a script.
 * @returns the token endpoint's answer (its body), when it was one
 */
export function recordTokenRequest(
  stats: TokenStats,
  args: RequestEventArgs,
  tokenUrls: ReadonlySet<string>,
): string | undefined {
  if (!args.cursor?.scriptId) return undefined;
  const url = args.request?.url?.toString() ?? '';
  if (!tokenUrls.has(url.split('?')[0] ?? url)) return undefined;
  stats.count++;
  stats.totalMs += args.response?.responseTime ?? 0;
  return args.response?.text?.() ?? '';
}
