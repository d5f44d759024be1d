// Postman's converters give every item a random id. Ids are optional in collections, and random
// ones would make every build differ, so the ones a converter invented are removed.

const ID_KEYS = new Set(['id', '_postman_id']);

/** Every id value in a JSON tree. */
export function idsIn(value: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const child of value) idsIn(child, found);
  else if (value && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      if (ID_KEYS.has(key) && typeof child === 'string') found.add(child);
      else idsIn(child, found);
    }
  }
  return found;
}

/** A copy without the id fields whose values are not in `keep` (those the input already had). */
export function withoutInventedIds<T>(value: T, keep: ReadonlySet<string> = new Set()): T {
  if (Array.isArray(value)) return value.map((child) => withoutInventedIds(child, keep)) as T;
  if (!value || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    if (ID_KEYS.has(key) && typeof child === 'string' && !keep.has(child)) continue;
    out[key] = withoutInventedIds(child, keep);
  }
  return out as T;
}
