import { isVariable, VARIABLES } from '../vocabulary.js';

/** DPoP asked for (by any profile) and no key set anywhere: `pm-oauth2 run` and doctor make one. */
export function dpopKeyMissing(values: Iterable<readonly [string, string]>): boolean {
  let asked = false;
  for (const [key, value] of values) {
    if (isVariable(key, VARIABLES.dpopKey) && value.trim() !== '') return false;
    if (isVariable(key, VARIABLES.dpop) && dpopRequested(() => value)) asked = true;
  }
  return asked;
}

/** Whether `oauth2_dpop` asks for DPoP-bound tokens: read alike by the hot path, the configuration and the runner. */
export function dpopRequested(read: (name: string) => string | undefined): boolean {
  return (read(VARIABLES.dpop) ?? '').trim().toLowerCase() === 'true';
}
