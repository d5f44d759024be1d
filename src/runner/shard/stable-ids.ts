// Newman's JUnit reporter groups executions by item id, and the Postman SDK gives an item without
// one a random id at every load: shards of one suite would disagree on which item a result is
// about. Items without an id get one from their place in the collection, the same in every job.
import type { Collection, Item } from '../../generator/collection-types.js';

export function withStableItemIds(collection: Collection, stem: string): Collection {
  return { ...collection, item: collection.item.map((item, i) => withIds(item, `${stem}:${i}`)) };
}

function withIds(item: Item, path: string): Item {
  const id = typeof item['id'] === 'string' && item['id'] ? item['id'] : path;
  return { ...item, id, ...(item.item ? { item: item.item.map((child, i) => withIds(child, `${path}.${i}`)) } : {}) };
}
