// Checks the configuration before anything runs, so a CI job fails in a second with every problem
// listed and where to fix each, instead of after the first request.
import { isPlainHttpToAnotherHost, readTokenConfig, type TokenConfig } from '../oauth/config.js';
import { isOAuthError } from '../oauth/errors.js';
import { resolveReferences } from './resolve-references.js';
import type { Variables } from './variable-sources.js';
import { environmentNameFor } from '../oauth/vocabulary.js';
import { ourVariable, profileNameOf, profileReader, profileVariable, type Renames } from '../oauth/profiles.js';
import { inOurNamespace, parseVariable } from '../oauth/vocabulary.js';

export interface ConfigCheck {
  readonly config: TokenConfig | undefined;
  readonly problems: string[];
  readonly warnings: string[];
}

/**
 * @param collectionVariables the collection's own variables: the lowest precedence, as in Newman
 * @param environmentFile the file to name in messages
 */
export function checkConfig(
  variables: Variables,
  collectionVariables: Readonly<Record<string, string>>,
  environmentFile: string | undefined,
  profile = '',
  renames: Renames = {},
): ConfigCheck {
  const lookup = (name: string): string | undefined =>
    variables.get(name)?.value || collectionVariables[name] || undefined;
  const resolved = (name: string): string | undefined => {
    const value = lookup(name);
    return value === undefined ? undefined : resolveReferences(value, lookup);
  };
  const read = profileReader(resolved, profile, renames);
  const whereToSet = (base: string): string => {
    const own = !profile || parseVariable(base)?.profile === profile;
    const name = !own && inOurNamespace(base) ? profileVariable(base, profile) : base;
    const where = environmentFile ? `set it in ${environmentFile}, ` : '';
    const ours = ourVariable(name, renames);
    return inOurNamespace(ours)
      ? `${where}export ${environmentNameFor(ours)}, add it to .env, or pass --env-var ${name}=…`
      : `${where}or pass --env-var ${name}=…`;
  };
  try {
    const config = readTokenConfig(read, whereToSet, profileNameOf(resolved, profile, renames));
    return { config, problems: [], warnings: insecureUrlWarnings(config.tokenUrl) };
  } catch (error) {
    if (!isOAuthError(error)) throw error;
    const prefix = profile ? `profile ${profile}: ` : '';
    return {
      config: undefined,
      problems: (error.details.problems ?? [error.message]).map((p) => prefix + p),
      warnings: [],
    };
  }
}

/** Plain http to another machine is refused unless explicitly allowed; when it is, say what it costs. */
function insecureUrlWarnings(tokenUrl: string): string[] {
  return isPlainHttpToAnotherHost(tokenUrl)
    ? [
        `oauth2_token_url is plain http outside this machine (${tokenUrl}), allowed by oauth2_allow_insecure_http: the client credentials cross the network in clear — use https`,
      ]
    : [];
}
