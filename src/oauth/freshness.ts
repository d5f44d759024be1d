/** @default 60 seconds, shortened for short-lived tokens by {@link refreshMarginMs}. */
export const DEFAULT_REFRESH_MARGIN_SECONDS = 60;

/** The share of a token's lifetime that the margin may take at most, so a 2-second token gets used. */
const MAX_MARGIN_SHARE = 0.25;

/**
 * How long before expiry a token is renewed: the configured margin (default 60 s), but never more
 * than a quarter of the token's lifetime.
 */
export function refreshMarginMs(lifetimeMs: number, marginSeconds: number | undefined): number {
  const wanted = (marginSeconds ?? DEFAULT_REFRESH_MARGIN_SECONDS) * 1000;
  return Math.max(0, Math.min(wanted, lifetimeMs * MAX_MARGIN_SHARE));
}

export interface CachedToken {
  readonly accessToken: string;
  readonly issuedAt: number;
  readonly expiresAt: number;
  readonly fingerprint: string;
}

/** A cached token may be sent only when it was made for this configuration and is not about to expire. */
export function isReusable(
  cached: CachedToken,
  fingerprint: string,
  now: number,
  marginSeconds: number | undefined,
): boolean {
  if (!cached.accessToken || cached.fingerprint !== fingerprint) return false;
  if (!Number.isFinite(cached.expiresAt) || !Number.isFinite(cached.issuedAt)) return false;
  return now < cached.expiresAt - refreshMarginMs(cached.expiresAt - cached.issuedAt, marginSeconds);
}
