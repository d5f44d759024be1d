// The collection `pm-oauth2 run` hands Newman on the fast path: the file on disk keeps the pasteable
// script for plain Newman and the app; here our events are left out and every Bearer of one of our
// token variables becomes the in-process auth, whose params are the oauth2_* variables as
// {{references}}, so the runtime resolves them with its own precedence for each request.
import {
  isFolder,
  type Auth,
  type Collection,
  type CollectionEvent,
  type Item,
} from '../../generator/collection-types.js';
import { BLOCKED_GUARD, guardItemTests, guardTestEvents } from '../../generator/retry-guard.js';
import { profileVariable } from '../../oauth/profiles.js';
import { bearerProfile, SCRIPT_ID, TEST_SCRIPT_ID, VARIABLES } from '../../oauth/vocabulary.js';

export const AUTH_TYPE = 'pm-oauth2';
export const PROFILE_PARAM = 'pm-oauth2-profile';
/**
 * One param holding every variable as a {{reference}}, joined by a separator no value holds: the
 * runtime builds and resolves the auth's params several times per request, and one param costs a
 * fraction of eighteen.
 */
export const VARIABLES_PARAM = 'pm-oauth2-variables';
export const SEPARATOR = '\u001f';

const isOurs = (event: CollectionEvent): boolean =>
  event.script?.id === SCRIPT_ID || event.script?.id === TEST_SCRIPT_ID;

export function toFastPath(input: Collection): Collection {
  const collection = structuredClone(input);
  collection.event = (collection.event ?? []).filter((e) => !isOurs(e));
  guardTestEvents(collection.event, isOurs, BLOCKED_GUARD);
  guardItemTests(collection.item, isOurs, BLOCKED_GUARD);
  if (collection.auth) collection.auth = replaceOurBearer(collection.auth);
  walk(collection.item);
  return collection;
}

function walk(items: Item[]): void {
  for (const item of items) {
    if (isFolder(item)) {
      if (item.auth) item.auth = replaceOurBearer(item.auth);
      walk(item.item ?? []);
    } else if (item.request && typeof item.request === 'object') {
      const request = item.request as { auth?: Auth | null };
      if (request.auth) request.auth = replaceOurBearer(request.auth);
    }
  }
}

function replaceOurBearer(auth: Auth): Auth {
  if (auth.type !== 'bearer' || !Array.isArray(auth['bearer'])) return auth;
  const token = (auth['bearer'] as Array<{ key?: string; value?: unknown }>).find((p) => p.key === 'token')?.value;
  const profile = bearerProfile(typeof token === 'string' ? token.trim() : token);
  return profile === undefined ? auth : fastPathAuth(profile);
}

/** The variables a profile's requests read, in the order of the references in VARIABLES_PARAM. */
export function variableNames(profile: string): string[] {
  return Object.values(VARIABLES).flatMap((name) => (profile ? [profileVariable(name, profile), name] : [name]));
}

/** The in-process auth of one profile: every variable of the profile and its fallback, as references. */
export function fastPathAuth(profile: string): Auth {
  return {
    type: AUTH_TYPE,
    [AUTH_TYPE]: [
      { key: PROFILE_PARAM, value: profile, type: 'string' },
      {
        key: VARIABLES_PARAM,
        value: variableNames(profile)
          .map((name) => `{{${name}}}`)
          .join(SEPARATOR),
        type: 'string',
      },
    ],
  };
}

/** Every variable the in-process auths of the collections reference, with each profile's own names. */
export function referencedVariables(collections: readonly Collection[]): Set<string> {
  const names = new Set<string>();
  const visit = (auth: Auth | null | undefined) => {
    if (auth?.type !== AUTH_TYPE) return;
    const param = (auth[AUTH_TYPE] as Array<{ key?: string; value?: unknown }>).find((p) => p.key === VARIABLES_PARAM);
    for (const reference of String(param?.value ?? '').split(SEPARATOR))
      names.add(reference.replace(/^\{\{|\}\}$/g, ''));
  };
  const walkAuths = (items: Item[]): void =>
    items.forEach((item) => {
      if (isFolder(item)) {
        visit(item.auth);
        walkAuths(item.item ?? []);
      } else if (item.request && typeof item.request === 'object') visit((item.request as { auth?: Auth | null }).auth);
    });
  for (const collection of collections) {
    visit(collection.auth);
    walkAuths(collection.item);
  }
  return names;
}
