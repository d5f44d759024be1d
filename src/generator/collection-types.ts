// Just the parts of the Postman collection v2.1 format the generator touches. Everything else is
// carried through untouched, which is why these are open records and not the SDK's classes.

export interface AuthParam {
  key: string;
  value?: unknown;
  type?: string;
}

export interface Auth {
  type: string;
  [method: string]: unknown;
}

export interface EventScript {
  id?: string;
  type?: string;
  exec?: string[] | string;
  [field: string]: unknown;
}

export interface CollectionEvent {
  listen: string;
  script?: EventScript;
  disabled?: boolean;
  [field: string]: unknown;
}

export interface CollectionVariable {
  key: string;
  value?: unknown;
  type?: string;
  [field: string]: unknown;
}

export interface Item {
  name?: string;
  item?: Item[];
  request?: unknown;
  auth?: Auth | null;
  event?: CollectionEvent[];
  [field: string]: unknown;
}

export interface Collection extends Item {
  info: { name?: string; schema?: string; [field: string]: unknown };
  item: Item[];
  variable?: CollectionVariable[];
}

/** The params of an auth of the given type, as a map (v2.1 keeps them as a key/value list). */
export function authParams(auth: Auth): Map<string, unknown> {
  const list = auth[auth.type];
  if (!Array.isArray(list)) return new Map();
  return new Map((list as AuthParam[]).filter((p) => p && typeof p.key === 'string').map((p) => [p.key, p.value]));
}

export function isFolder(item: Item): boolean {
  return Array.isArray(item.item);
}
