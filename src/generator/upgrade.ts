// Postman collection v2.0 → v2.1. The two formats differ in one place: an auth's params are an
// object (`"basic": {"username": …}`) in v2.0 and a list of `{key, value, type}` in v2.1. Postman's
// transformer has no direct path and goes through v1, which reorders items (folders before
// requests) and rebuilds `url.raw` from the URL's parts; so the upgrade is done here, in place,
// and everything else — order, `url.raw`, ids, descriptions, custom fields — stays as it was.
import type { Collection } from './collection-types.js';

export const V21_SCHEMA = 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json';

export function isV20Collection(json: Record<string, unknown>): boolean {
  const info = json['info'] as { schema?: unknown } | undefined;
  return typeof info?.schema === 'string' && info.schema.includes('/v2.0.');
}

export function upgradeToV21(json: Record<string, unknown>): Collection {
  const collection = structuredClone(json) as unknown as Collection;
  collection.info = { ...collection.info, schema: V21_SCHEMA };
  upgradeAuth(collection);
  upgradeItems(collection.item);
  return collection;
}

function upgradeItems(items: unknown): void {
  if (!Array.isArray(items)) return;
  for (const item of items as Array<Record<string, unknown>>) {
    if (!item || typeof item !== 'object') continue;
    upgradeAuth(item);
    if (item['request'] && typeof item['request'] === 'object') upgradeAuth(item['request'] as Record<string, unknown>);
    upgradeItems(item['item']);
  }
}

/** `{"type": "basic", "basic": {"username": "u"}}` → `{"type": "basic", "basic": [{"key": "username", "value": "u", "type": "string"}]}` */
function upgradeAuth(holder: Record<string, unknown>): void {
  const auth = holder['auth'] as Record<string, unknown> | null | undefined;
  if (!auth || typeof auth !== 'object' || typeof auth['type'] !== 'string') return;
  for (const [method, params] of Object.entries(auth)) {
    if (method === 'type' || !params || typeof params !== 'object' || Array.isArray(params)) continue;
    auth[method] = Object.entries(params as Record<string, unknown>).map(([key, value]) => ({
      key,
      value,
      type: typeof value === 'string' ? 'string' : 'any',
    }));
  }
}
