// Registers the in-process auth with the postman-runtime Newman itself loads (its handlers are a
// module-level table), once per process; each job points it at its own handler.
import { createRequire } from 'node:module';
import type { AuthHandler } from './auth-handler.js';
import { AUTH_TYPE } from './fast-collection.js';
import { BLOCKED_URL } from '../../script/blocked-url.js';

interface AuthLoader {
  addHandler(handler: object, name: string): void;
  getHandler(name: string): object | undefined;
}

let current: AuthHandler | undefined;

/** Without a job's handler (which never happens in a run), a request is neither signed nor let through. */
const delegate: AuthHandler = {
  init: (auth, response, done) => (current ? current.init(auth, response, done) : done(null)),
  pre: (auth, done) => (current ? current.pre(auth, done) : done(null, true)),
  sign: (auth, request, done) => (current ? current.sign(auth, request, done) : (request.url.update(BLOCKED_URL), done(null))),
  post: (auth, response, done) => (current ? current.post(auth, response, done) : done(null, true)),
};

export function useAuthHandler(handler: AuthHandler): () => void {
  const newmanRequire = createRequire(createRequire(import.meta.url).resolve('newman'));
  const { AuthLoader } = newmanRequire('postman-runtime/lib/authorizer') as { AuthLoader: AuthLoader };
  if (AuthLoader.getHandler(AUTH_TYPE) !== delegate) AuthLoader.addHandler(delegate, AUTH_TYPE);
  current = handler;
  return () => {
    if (current === handler) current = undefined;
  };
}
