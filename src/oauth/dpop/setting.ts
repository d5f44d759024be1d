import { VARIABLES } from '../variables.js';

/** Whether `oauth2_dpop` asks for DPoP-bound tokens: read alike by the hot path, the configuration and the runner. */
export function dpopRequested(read: (name: string) => string | undefined): boolean {
  return (read(VARIABLES.dpop) ?? '').trim().toLowerCase() === 'true';
}
