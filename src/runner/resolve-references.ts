/** Resolves `{{name}}` references as Postman does (nested, bounded depth); unknown ones stay. */
export function resolveReferences(text: string, lookup: (name: string) => string | undefined, depth = 0): string {
  if (depth > 10 || !text.includes('{{')) return text;
  return text.replace(/\{\{\s*([^{}]+?)\s*\}\}/g, (whole, name: string) => {
    const value = lookup(name);
    return value === undefined ? whole : resolveReferences(value, lookup, depth + 1);
  });
}
