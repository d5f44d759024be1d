export function splitWords(text: string): string[] {
  return text.split(/\s+/).filter((word) => word !== '');
}

/** Collapses white space and drops repeats, so `"b  a b"` and `"b a"` ask for the same token. */
export function normaliseScope(scope: string): string {
  return [...new Set(splitWords(scope))].join(' ');
}
