// Registers the in-process auth with the postman-runtime Newman itself loads (its handlers are a
// module-level table), once per process; each job points it at its own handler.
import { createRequire } from 'node:module';
import type { AuthHandler } from './auth-handler.js';
import { AUTH_TYPE } from './fast-collection.js';
import { BLOCKED_URL } from '../../oauth/vocabulary.js';

interface AuthLoader {
  addHandler(handler: object, name: string): void;
  getHandler(name: string): object | undefined;
}

/** postman-collection's table of the variables every string can use ({{$guid}} and the like). */
type DefaultVariables = Record<string, () => string>;

let current: AuthHandler | undefined;

/** Without a job's handler (which never happens in a run), a request is neither signed nor let through. */
const delegate: AuthHandler = {
  init: (auth, response, done) => (current ? current.init(auth, response, done) : done(null)),
  pre: (auth, done) => (current ? current.pre(auth, done) : done(null, true)),
  sign: (auth, request, done) => {
    if (current) return current.sign(auth, request, done);
    request.url.update(BLOCKED_URL);
    return done(null);
  },
  post: (auth, response, done) => (current ? current.post(auth, response, done) : done(null, true)),
};

/** Requires modules as the postman-runtime that Newman loads sees them. */
function runtimeRequire(): NodeRequire {
  const newmanRequire = createRequire(createRequire(import.meta.url).resolve('newman'));
  return createRequire(newmanRequire.resolve('postman-runtime'));
}

/**
 * @param variables the names the handler's params reference: each resolves as empty while no
 *   scope has it (see resolveUnsetAsEmpty)
 */
export function useAuthHandler(handler: AuthHandler, variables: Iterable<string> = []): () => void {
  const require = runtimeRequire();
  const { AuthLoader } = require('postman-runtime/lib/authorizer') as { AuthLoader: AuthLoader };
  if (AuthLoader.getHandler(AUTH_TYPE) !== delegate) AuthLoader.addHandler(delegate, AUTH_TYPE);
  const superstring = createRequire(require.resolve('postman-collection')).resolve('./lib/superstring');
  const { Substitutor } = require(superstring) as { Substitutor: { DEFAULT_VARS: DefaultVariables } };
  const restoreDefaults = resolveUnsetAsEmpty(Substitutor.DEFAULT_VARS, variables);
  current = handler;
  return () => {
    restoreDefaults();
    if (current === handler) current = undefined;
  };
}

/**
 * The runtime resolves a string again while it still holds a {{reference}}, up to 19 times, and a
 * reference no scope has stays one: the params of unset optional variables (most of them are)
 * cost 19 lookups in every scope, each time the params are resolved — 0.3 ms a request, measured.
 * Defaults are consulted after every scope, so a variable set anywhere still wins; an unset one
 * resolves at once to '', which the handler reads as unset. Only our configuration names get a
 * default, only while the job runs, and scripts never see them (the sandbox has its own copy).
 */
function resolveUnsetAsEmpty(defaults: DefaultVariables, names: Iterable<string>): () => void {
  const added: string[] = [];
  for (const name of new Set(names)) {
    if (Object.hasOwn(defaults, name)) continue;
    defaults[name] = () => '';
    added.push(name);
  }
  return () => added.forEach((name) => delete defaults[name]);
}
