// The fast path of `pm-oauth2 run`: an auth handler inside Newman's own postman-runtime that signs
// requests with tokens kept in Node (token-broker.ts) — no sandbox execution per request — and
// replays a request once when the API rejects its token (RFC 6750 §3.1), as digest auth replays. A
// DPoP-bound token (RFC 9449) goes with a proof signed for each request, and a request the API
// refused for want of a nonce is replayed once with it.
// The runtime swallows a handler's errors and then sends the request unsigned, so no path here
// throws: a request without a token is pointed at a scheme no engine speaks (fail-closed.ts).
import { createHash } from 'node:crypto';
import { readTokenConfig } from '../../oauth/config.js';
import { failureMessage, secretEchoes } from '../../oauth/failure.js';
import { fingerprintOf, fingerprintValues } from '../../oauth/fingerprint.js';
import { profileNameOf, profileReader } from '../../oauth/profiles.js';
import { afterResponse } from '../../oauth/retry-on-401.js';
import { VARIABLES } from '../../oauth/vocabulary.js';
import { BLOCKED_URL } from '../../oauth/vocabulary.js';
import { dpopHtu, originOf } from '../../oauth/dpop/htu.js';
import { acceptableNonce, DPOP_NONCE_HEADER, resourceWantsNonce, type NonceStore } from '../../oauth/dpop/nonce.js';
import { dpopRequested } from '../../oauth/dpop/setting.js';
import type { ProofFactory } from '../../oauth/dpop/proof-factory.js';
import type { BrokeredToken, TokenSource } from './token-broker.js';
import { PROFILE_PARAM, SEPARATOR, VARIABLES_PARAM, variableNames } from './fast-collection.js';

/** What postman-runtime hands a handler (lib/authorizer/auth-interface.js). */
export interface AuthInterface {
  get(name: string): unknown;
}

interface SdkRequest {
  url: { update(url: string): void; toString(): string };
  method: string;
  removeHeader(name: string, options: { ignoreCase: boolean }): void;
  addHeader(header: { key: string; value: string; system: boolean }): void;
}

interface SdkResponse {
  code: number;
  headers: { get(name: string): string | undefined };
}

type Done = (error: Error | null, success?: boolean) => void;

export interface AuthHandler {
  init(auth: AuthInterface, response: unknown, done: (error?: Error | null) => void): void;
  pre(auth: AuthInterface, done: Done): void;
  sign(auth: AuthInterface, request: SdkRequest, done: (error?: Error | null) => void): void;
  post(auth: AuthInterface, response: SdkResponse, done: Done): void;
}

/** What pre hands to sign: the runtime gives both the same auth interface (post gets a new one). */
interface RequestState {
  token?: BrokeredToken;
  failure?: string;
  /** The DPoP key, when the configuration binds its tokens to one. */
  dpopKey?: string;
}

/** DPoP (RFC 9449): the proofs, and the servers' nonces the token fetch shares. */
export interface HandlerDpop {
  readonly proofs: ProofFactory;
  readonly nonces: NonceStore;
}

export interface HandlerHooks {
  /** A request was kept from the API, with the reason a user reads. */
  onBlocked(message: string): void;
  whereToSet(name: string): string;
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** The variables as the runtime resolved them: '' (see install.ts) or a reference left as it is means unset. */
function variableReader(resolvedValues: string, profile: string): (name: string) => string | undefined {
  const names = variableNames(profile);
  const values = resolvedValues.split(SEPARATOR);
  const resolved = new Map<string, string>();
  names.forEach((name, i) => {
    const value = values[i];
    if (value !== undefined && value !== '' && value !== `{{${name}}}`) resolved.set(name, value);
  });
  return (name) => resolved.get(name);
}

interface Configuration {
  readonly read: (name: string) => string | undefined;
  readonly profile: string;
  readonly profiled: (name: string) => string | undefined;
  readonly fingerprint: string;
  readonly secrets: string[];
  /** The DPoP key when oauth2_dpop is true, else ''. */
  readonly dpopKey: string;
}

/**
 * The request's configuration, as the runtime resolved the auth's params for it. The same params
 * give the same configuration, so it is worked out once per distinct set of values (a script that
 * switches credentials makes a new set), not hashed again for every request.
 */
function configurations(): (auth: AuthInterface) => Configuration {
  const known = new Map<string, Configuration>();
  return (auth) => {
    const profile = String(auth.get(PROFILE_PARAM) ?? '');
    const values = String(auth.get(VARIABLES_PARAM) ?? '');
    const key = `${profile}${SEPARATOR}${values}`;
    let configuration = known.get(key);
    if (!configuration) {
      const read = variableReader(values, profile);
      const profiled = profileReader(read, profile);
      configuration = {
        read,
        profile,
        profiled,
        fingerprint: fingerprintOf(fingerprintValues(profiled), sha256),
        secrets: secretEchoes(profiled(VARIABLES.clientSecret) ?? ''),
        dpopKey: dpopRequested(profiled) ? (profiled(VARIABLES.dpopKey) ?? '').trim() : '',
      };
      // Data-driven runs can switch values every iteration: the table never outgrows a few.
      if (known.size >= MAX_CONFIGURATIONS) known.clear();
      known.set(key, configuration);
    }
    return configuration;
  };
}

const MAX_CONFIGURATIONS = 64;

export function createAuthHandler(broker: TokenSource, hooks: HandlerHooks, dpop: HandlerDpop): AuthHandler {
  const states = new WeakMap<AuthInterface, RequestState>();
  const configurationOf = configurations();
  /** Requests go one at a time: the server the last request was signed for with a proof, and whether it is a replay for a nonce. */
  let lastDpopOrigin: string | undefined;
  let nonceReplay = false;
  return {
    init: (_auth, _response, done) => done(null),

    pre(auth, done) {
      const state: RequestState = {};
      states.set(auth, state);
      let secrets: readonly string[] = [];
      try {
        const { read, profile, profiled, fingerprint, secrets: echoes, dpopKey } = configurationOf(auth);
        secrets = echoes;
        if (dpopKey) state.dpopKey = dpopKey;
        const margin = Number(profiled(VARIABLES.refreshMargin) ?? NaN);
        const config = () => readTokenConfig(profiled, hooks.whereToSet, profileNameOf(read, profile));
        broker.ensure(fingerprint, config, profile, margin >= 0 ? margin : undefined).then(
          (token) => {
            state.token = token;
            done(null, true);
          },
          (error: unknown) => {
            state.failure = failureMessage(error, secrets);
            done(null, true);
          },
        );
      } catch (error) {
        state.failure = failureMessage(error, secrets);
        done(null, true);
      }
    },

    sign(auth, request, done) {
      const state = states.get(auth);
      try {
        request.removeHeader('Authorization', { ignoreCase: true });
        lastDpopOrigin = undefined;
        if (state?.token && state.dpopKey) signWithDpop(request, state.token.accessToken, state.dpopKey);
        else if (state?.token)
          request.addHeader({ key: 'Authorization', value: `Bearer ${state.token.accessToken}`, system: true });
        else
          block(
            request,
            state?.failure ?? failureMessage(new Error('the token handler was not asked before signing'), []),
          );
      } catch (error) {
        block(request, failureMessage(error, []));
      }
      done(null);
    },

    post(auth, response, done) {
      const replayed = nonceReplay;
      nonceReplay = false;
      if (lastDpopOrigin && wantsNonceAgain(lastDpopOrigin, response) && !replayed) {
        nonceReplay = true;
        return done(null, false);
      }
      if (response.code !== 401) return done(null, true);
      // Requests go one at a time: the configuration's current token is the one this request carried.
      const { profiled, fingerprint } = configurationOf(auth);
      const token = broker.current(fingerprint);
      if (!token) return done(null, true);
      const decision = afterResponse({
        setting: profiled(VARIABLES.retryOn401),
        status: response.code,
        wwwAuthenticate: String(response.headers.get('WWW-Authenticate') ?? ''),
        key: 'this request',
        marker: token.replacement ? 'this request' : undefined,
      });
      if (decision === 'retry' || decision === 'give-up')
        broker.drop(fingerprint, token.accessToken, decision === 'retry');
      // false asks the runtime to replay the request, which goes through pre and sign again.
      done(null, decision !== 'retry');
    },
  };

  /** `Authorization: DPoP <token>` and the request's own proof, with the server's latest nonce. */
  function signWithDpop(request: SdkRequest, token: string, key: string): void {
    const url = request.url.toString();
    const origin = originOf(url);
    const proof = dpop.proofs(key, {
      htm: request.method,
      htu: dpopHtu(url),
      nonce: dpop.nonces.get(origin),
      accessToken: token,
    });
    request.removeHeader('DPoP', { ignoreCase: true });
    request.addHeader({ key: 'Authorization', value: `DPoP ${token}`, system: true });
    request.addHeader({ key: 'DPoP', value: proof, system: true });
    lastDpopOrigin = origin;
  }

  /** Keeps the server's newest nonce; true when it refused the proof for want of it (RFC 9449 §9): replay once. */
  function wantsNonceAgain(origin: string, response: SdkResponse): boolean {
    const nonce = acceptableNonce(response.headers.get(DPOP_NONCE_HEADER));
    if (!nonce) return false;
    dpop.nonces.set(origin, nonce);
    return resourceWantsNonce(response.code, String(response.headers.get('WWW-Authenticate') ?? ''));
  }

  function block(request: SdkRequest, message: string): void {
    try {
      request.url.update(BLOCKED_URL);
    } finally {
      hooks.onBlocked(message);
    }
  }
}
