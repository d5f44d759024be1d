// The client credentials flow an OpenAPI document declares, wherever it declares it: the global
// `security`, or each operation's (common in open-banking and carrier specs, and which the converter
// drops). OpenAPI 3 `flows.clientCredentials` and Swagger 2 `flow: application`.
import { parse } from 'yaml';

export interface DeclaredClientCredentials {
  readonly tokenUrl: string;
  /** Every scope the operations ask for under the chosen scheme, in the order they first appear. */
  readonly scopes: string[];
  readonly warnings: string[];
}

type Requirement = Record<string, unknown>;
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

export function declaredClientCredentials(text: string, name: string): DeclaredClientCredentials | undefined {
  let doc: Record<string, unknown>;
  try {
    doc = parse(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const schemes = clientCredentialSchemes(doc);
  if (!schemes.size) return undefined;
  const uses = requirementsIn(doc)
    .flatMap((requirement) => Object.entries(requirement))
    .filter(([scheme]) => schemes.has(scheme))
    .map(([scheme, scopes]) => ({ scheme, scopes: Array.isArray(scopes) ? scopes.map(String) : [] }));
  const used = [...new Set(uses.map((u) => u.scheme))];
  const chosen = used[0] ?? [...schemes.keys()][0] ?? '';
  const scopes = [...new Set(uses.filter((u) => u.scheme === chosen).flatMap((u) => u.scopes))];
  const warnings: string[] = [];
  if (used.length > 1)
    warnings.push(
      `${name}: operations use ${used.length} client credentials schemes (${used.join(', ')}); the first, ${chosen}, fills oauth2_token_url — give other folders a credential profile if they need another client`,
    );
  const scopeSets = new Set(uses.filter((u) => u.scheme === chosen).map((u) => u.scopes.join(' ')));
  if (scopeSets.size > 1)
    warnings.push(
      `${name}: operations ask for different scopes under ${chosen}; oauth2_scope asks for all of them ("${scopes.join(' ')}") — narrow it in the environment if the client may not have them all`,
    );
  return { tokenUrl: schemes.get(chosen) ?? '', scopes, warnings };
}

/** Scheme name → token URL, for the schemes with a client credentials flow. */
function clientCredentialSchemes(doc: Record<string, unknown>): Map<string, string> {
  const components = doc['components'] as { securitySchemes?: Record<string, unknown> } | undefined;
  const declared = {
    ...(doc['securityDefinitions'] as Record<string, unknown> | undefined),
    ...components?.securitySchemes,
  };
  const out = new Map<string, string>();
  for (const [name, value] of Object.entries(declared)) {
    const scheme = value as {
      type?: string;
      flow?: string;
      tokenUrl?: string;
      flows?: { clientCredentials?: { tokenUrl?: string } };
    };
    if (scheme?.type !== 'oauth2') continue;
    const tokenUrl =
      scheme.flows?.clientCredentials?.tokenUrl ?? (scheme.flow === 'application' ? scheme.tokenUrl : undefined);
    if (typeof tokenUrl === 'string' && tokenUrl) out.set(name, tokenUrl);
  }
  return out;
}

/** The global requirements, then each operation's, in document order. */
function requirementsIn(doc: Record<string, unknown>): Requirement[] {
  const list = (value: unknown): Requirement[] =>
    Array.isArray(value) ? value.filter((r): r is Requirement => !!r && typeof r === 'object') : [];
  const out = list(doc['security']);
  for (const path of Object.values((doc['paths'] ?? {}) as Record<string, Record<string, { security?: unknown }>>)) {
    for (const method of METHODS) out.push(...list(path?.[method]?.security));
  }
  return out;
}
