// A team's own variable names (pm-oauth2.config.json "variables": { "oauth2_access_token": "jwt", … }):
// the built script reads and writes them in place of the default client's oauth2_* names, so the
// environment files of a hand-written token script keep working. Profiles keep oauth2_<profile>_*.
import { CACHE_VARIABLES, inOurNamespace, VARIABLES } from './vocabulary.js';

/** The names a team may rename: every setting, the token and its expiry. */
export const RENAMEABLE: readonly string[] = [
  ...Object.values(VARIABLES),
  CACHE_VARIABLES.accessToken,
  CACHE_VARIABLES.expiresAt,
];

const VARIABLE_NAME = /^[A-Za-z_][\w.-]{0,63}$/;

export function parseVariableNames(json: string | undefined): Record<string, string> {
  if (!json) return {};
  try {
    const map: unknown = JSON.parse(json);
    if (!map || typeof map !== 'object' || Array.isArray(map)) return {};
    return Object.fromEntries(
      Object.entries(map).filter(
        ([ours, theirs]) => RENAMEABLE.includes(ours) && typeof theirs === 'string' && VARIABLE_NAME.test(theirs),
      ),
    );
  } catch {
    return {};
  }
}

/** What is wrong with a map, each problem naming its entry. */
export function variableNamesProblems(map: Readonly<Record<string, unknown>>): string[] {
  const problems: string[] = [];
  const seen = new Map<string, string>();
  for (const [ours, theirs] of Object.entries(map)) {
    if (!RENAMEABLE.includes(ours))
      problems.push(
        `variables["${ours}"]: not a name pm-oauth2 reads or writes (renameable: ${RENAMEABLE.join(', ')})`,
      );
    else if (typeof theirs !== 'string' || !VARIABLE_NAME.test(theirs))
      problems.push(
        `variables["${ours}"] must be a variable name (letters, digits, _ . -), not ${JSON.stringify(theirs)}`,
      );
    else if (inOurNamespace(theirs) && theirs !== ours)
      problems.push(
        `variables["${ours}"]: "${theirs}" is one of pm-oauth2's own names — choose the name your environments use`,
      );
    else if (seen.has(theirs))
      problems.push(
        `variables["${ours}"] and variables["${seen.get(theirs)}"] both name "${theirs}": one variable cannot hold both`,
      );
    else seen.set(theirs, ours);
  }
  return problems;
}
