/** Exit statuses: stable, CI pipelines branch on them. */
export const EXIT = {
  ok: 0,
  /** Tests failed, or some inputs could not be built. */
  failures: 1,
  /** A usage or configuration error: nothing ran. */
  usage: 2,
  /** A bug in pm-oauth2. */
  internal: 3,
} as const;
