import { VARIABLES } from '../variables.js';

/** DPoP asked for (by any profile) and no key set anywhere: `pm-oauth2 run` and doctor make one. */
export function dpopKeyMissing(values: Iterable<readonly [string, string]>): boolean {
  let asked = false;
  for (const [key, value] of values) {
    if (/^oauth2_(\w+_)?dpop_key$/.test(key) && value.trim() !== '') return false;
    if (/^oauth2_(\w+_)?dpop$/.test(key) && dpopRequested(() => value)) asked = true;
  }
  return asked;
}

/** Whether `oauth2_dpop` asks for DPoP-bound tokens: read alike by the hot path, the configuration and the runner. */
export function dpopRequested(read: (name: string) => string | undefined): boolean {
  return (read(VARIABLES.dpop) ?? '').trim().toLowerCase() === 'true';
}
