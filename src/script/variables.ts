/**
 * Reads a variable from whichever scope holds it. pm.variables.get does not resolve nested
 * `{{references}}`; replaceIn does, but costs more, so it runs only when there is one to resolve.
 */
export function readVariable(name: string): string | undefined {
  const value = pm.variables.get(name);
  return resolve(value);
}

/**
 * A reader over one snapshot of every scope: one call into the sandbox instead of one per variable,
 * for the hot path, which reads them all.
 */
export function snapshotReader(): (name: string) => string | undefined {
  const all = pm.variables.toObject();
  return (name) => resolve(all[name]);
}

function resolve(value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const text = String(value);
  return text.indexOf('{{') >= 0 ? pm.variables.replaceIn(text) : text;
}

/**
 * Where the token cache lives: the active environment, or the collection variables when none is
 * active (the Postman app's "No environment", or Newman without -e).
 */
export function cacheScope(): PmVariableScope {
  return pm.environment.name ? pm.environment : pm.collectionVariables;
}
