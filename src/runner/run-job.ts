// `pm-oauth2 run`: validates first, then runs the collections one after the other in one process,
// handing the environment (and so the cached token) from each to the next.
import { createRequire } from 'node:module';
import { basename } from 'node:path';
import { formatWithOptions } from 'node:util';
import { PmOAuth2Error } from '../errors.js';
import { DEFAULT_SCRIPT_PATHS, expandInputs, outputName, readScripts } from '../generator/build.js';
import type { Collection } from '../generator/collection-types.js';
import { embedScript, hasJwtScript, hasTestScript, type ScriptVariants } from '../generator/embed.js';
import { usesGivenAssertion } from '../oauth/client-auth.js';
import type { TokenConfig } from '../oauth/config.js';
import { isOAuthError } from '../oauth/errors.js';
import { readCollectionFile, type CollectionSdk } from '../generator/read-collection.js';
import type { Terminal } from '../terminal.js';
import type { EnvironmentFile } from './environment-file.js';
import { exportEnvironment } from './export-environment.js';
import { runCollection, type CollectionOutcome, type EnvironmentJson } from './newman-run.js';
import { Redactor } from './redactor.js';
import type { Reports } from './reports.js';
import { createTokenStats, type TokenStats } from './token-stats.js';
import { redactProcessOutput } from './redacted-output.js';
import { trapUnhandledRejections } from './unhandled-rejections.js';
import { planJob, refuseImpossibleExports, type LoadedCollection } from './job-plan.js';
import type { Globals, Variables } from './variable-sources.js';
import { environmentNameFor } from '../oauth/vocabulary.js';
import { createAuthHandler } from './fast-path/auth-handler.js';
import { referencedVariables, toFastPath } from './fast-path/fast-collection.js';
import { useAuthHandler } from './fast-path/install.js';
import type { TokenSource } from './fast-path/token-broker.js';
import { jobTokenBroker } from './fast-path/job-broker.js';
import { jobFederatedAssertions } from './federated/assertion-source.js';
import { CACHE_VARIABLES, parseVariable, SCRIPT_ID, VARIABLES } from '../oauth/vocabulary.js';
import { dpopKeyMissing } from '../oauth/dpop/setting.js';
import { memoryNonceStore } from '../oauth/dpop/nonce.js';
import { proxyAgents, type ProxyAgentFor } from './token-endpoint-proxy.js';
import { exportCollection } from './export-collection.js';
import type { ProofFactory } from '../oauth/dpop/proof-factory.js';
import { describeNewToken } from '../oauth/describe-token.js';
import { planShard, type ShardPlan, type ShardSettings } from './shard/plan.js';
import { UnitClock, type CollectionRun } from './shard/job-runs.js';
import { withStableItemIds } from './shard/stable-ids.js';
import type { ManifestCollection, UnitTime } from './shard/manifest.js';

export interface JobOptions {
  readonly collections: readonly string[];
  readonly environment: EnvironmentFile | undefined;
  readonly variables: Variables;
  readonly reports: Reports;
  readonly exportEnvironmentFile: string | undefined;
  /** --export-globals: the globals after the run, masked. */
  readonly exportGlobalsFile?: string | undefined;
  /** --export-collection (one collection): the collection as built, with its variables after the run, masked. */
  readonly exportCollectionFile?: string | undefined;
  /** -g and --global-var. */
  readonly globals?: Globals;
  /** newman run's own options, passed through (newman-options.ts). */
  readonly newmanOptions?: Readonly<Record<string, unknown>>;
  /** Secrets given as options (--ssl-client-passphrase): masked like the others. */
  readonly secrets?: readonly string[];
  readonly timeoutRequestMs: number;
  /** newman's --bail: true, or its modifiers (folder, failure). */
  readonly bail: boolean | readonly string[];
  readonly iterationCount: number | undefined;
  readonly terminal: Terminal;
  /**
   * Fetch tokens with the collections' embedded script, as plain Newman does, instead of the
   * in-process auth (a sandbox execution per request or two). @default false
   */
  readonly inSandbox?: boolean;
  /** Where the in-process token request reads its proxy settings (HTTP(S)_PROXY, NO_PROXY), as Newman does. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /**
   * Where tokens come from instead of this job's own broker: a --parallel worker's stand-in for its
   * parent's broker. It is told each token it hands out, to mask it. @default the job's own broker
   */
  readonly tokenSource?: ((addToken: (accessToken: string) => void) => TokenSource) | undefined;
  /** Run one shard's part of the suite (--shard i/n). */
  readonly shard?: ShardSettings | undefined;
}

/** What a shard ran: its manifest's content (shard/manifest.ts). */
export interface ShardOutcome {
  readonly plan: ShardPlan;
  readonly ran: UnitTime[];
  readonly collections: ManifestCollection[];
}

export interface JobResult {
  readonly collections: Array<{ readonly name: string; readonly outcome: CollectionOutcome }>;
  readonly tokenStats: TokenStats;
  /** When each profile's token expires ('' is the default profile). */
  readonly expiries: ReadonlyArray<{ readonly profile: string; readonly at: number }>;
  readonly files: string[];
  /** Reports not delivered, each with the reason: the run fails for each. */
  readonly withheld: string[];
  readonly unhandled: string[];
  /** Masks the job's secrets and tokens in a text, for anything printed after the run. */
  readonly redact: (text: string) => string;
  readonly shard?: ShardOutcome;
}

export async function runJob(options: JobOptions): Promise<JobResult> {
  const loaded = await loadCollections(options.collections, options.terminal);
  refuseImpossibleExports(loaded, options);
  const globals = options.globals ?? new Map();
  options = { ...options, variables: await withDpopKeyForRun(loaded, options, globals) };
  const job = planJob(loaded, { ...options, globals, report: (line) => options.terminal.err(line) });
  const { tokenUrls, dpop, configs } = job;
  if (options.inSandbox) options = { ...options, variables: await withFederatedAssertionForSandbox(configs, options) };
  // The DPoP code (node:crypto signing, the key parser) loads only for a job that uses it.
  const proofs = dpop ? (await import('./node-dpop.js')).nodeProofs : undefined;
  const redactor = redactorFor([...options.variables.values(), ...globals.values()], configs, options.secrets ?? []);
  const tokenStats = createTokenStats();
  const inProcess = job.tokens === 'in-process';
  const scripted = inProcess
    ? undefined
    : job.signingScript
      ? await withSigningScript(loaded, dpop, options.terminal)
      : loaded;
  const collections = scripted
    ? scripted.map((c) => ({ ...c, collection: withTokenRedirectsRefused(c.collection, options.newmanOptions) }))
    : loaded.map((c) => ({ ...c, collection: toFastPath(c.collection) }));
  if (scripted) options = { ...options, newmanOptions: { ...options.newmanOptions, ignoreRedirects: true } };
  const fast = inProcess
    ? fastPath(
        redactor,
        tokenStats,
        options,
        referencedVariables(collections.map((c) => c.collection)),
        await proxyAgents(options.env ?? process.env),
        proofs,
      )
    : undefined;
  let environment = environmentJson(options.environment?.name ?? 'pm-oauth2', options.variables);
  let globalsJson: EnvironmentJson = {
    name: 'globals',
    values: [...globals].map(([key, g]) => ({
      key,
      value: g.value,
      type: g.secret ? 'secret' : 'default',
      enabled: true,
    })),
  };
  let collectionVariables: Record<string, unknown> = {};
  const results: JobResult['collections'] = [];
  const plan = options.shard
    ? await planShard(loaded, options.shard, options.newmanOptions ?? {}, options.iterationCount)
    : undefined;
  if (plan) describePlan(plan, options.terminal);
  const runs =
    plan?.runs ??
    collections.map((_, collection): CollectionRun => ({ collection, units: [], newmanOptions: {}, rows: undefined }));
  const ran: UnitTime[] = [];
  const shardCollections: ManifestCollection[] = [];
  const trap = trapUnhandledRejections((message) => redactor.redact(message));
  const output = redactProcessOutput(redactor);
  try {
    for (const run of runs) {
      const { name, stem, collection: asLoaded } = collections[run.collection] ?? unreachable(run.collection);
      const collection = plan ? withStableItemIds(asLoaded, stem) : asLoaded;
      const clock = plan ? new UnitClock(run) : undefined;
      options.terminal.out(
        `\n▶ ${name}${plan ? ` (${run.units.length === 1 ? run.units[0]?.id : `${run.units.length} units`})` : ''}`,
      );
      const outcome = await runCollection({
        collection,
        environment,
        globals: globalsJson,
        newmanOptions: { ...options.newmanOptions, ...run.newmanOptions },
        ...options.reports.forCollection(stem),
        timeoutRequestMs: options.timeoutRequestMs,
        bail: options.bail,
        iterationCount: options.iterationCount,
        tokenUrls,
        tokenStats,
        onConsole: (level, messages) =>
          options.terminal.out(
            redactor.redact(
              `  ${level === 'log' ? '│' : `${level}:`} ${formatWithOptions({ colors: false, breakLength: Infinity }, ...messages)}`,
            ),
          ),
        onTokenResponse: (body) => rememberIssuedToken(body, redactor),
        redactInPlace: (root) => redactor.redactInPlace(root),
        ...(fast ? { takeBlockedReason: fast.takeBlockedReason } : {}),
        ...(clock ? { onItemTimed: (folder, iteration, ms) => clock.record(folder, iteration, ms) } : {}),
      });
      if (clock) ran.push(...clock.times());
      if (plan) shardCollections.push({ stem, name, report: `${stem}.json`, rows: run.rows ?? null });
      rememberTokens(outcome.environment, redactor);
      rememberTokens(outcome.globals, redactor);
      environment = carryOver(environment, outcome.environment);
      globalsJson = carryOver(globalsJson, outcome.globals);
      collectionVariables = outcome.collectionVariables;
      results.push({ name, outcome });
      if (stopsTheJob(options.bail) && (outcome.failures.length || outcome.error)) break;
    }
  } finally {
    fast?.release();
    output.release();
    trap.release();
  }
  const { files, withheld } = await options.reports.finish(redactor);
  if (options.exportEnvironmentFile)
    files.push(await exportEnvironment(options.exportEnvironmentFile, environment, redactor));
  if (options.exportGlobalsFile)
    files.push(await exportEnvironment(options.exportGlobalsFile, globalsJson, redactor, 'globals'));
  const [only] = loaded;
  if (options.exportCollectionFile && only)
    files.push(await exportCollection(options.exportCollectionFile, only.collection, collectionVariables, redactor));
  const expiries = fast ? fast.broker.expiries() : expiriesIn(environment);
  const shard = plan ? { shard: { plan, ran, collections: shardCollections } } : {};
  return {
    collections: results,
    tokenStats,
    expiries,
    files,
    withheld,
    unhandled: trap.messages,
    redact: (text) => redactor.redact(text),
    ...shard,
  };
}

function unreachable(index: number): never {
  throw new Error(`a shard's run names collection ${index}, which the job does not have`);
}

/** What this shard runs, and what it cannot split: a user reads why a job took longer than its share. */
function describePlan(plan: ShardPlan, terminal: Terminal): void {
  const { index, total } = plan.shard;
  terminal.out(
    `pm-oauth2: shard ${index}/${total}: ${plan.mine.length} of ${plan.units.length} units (${plan.mine.reduce((n, u) => n + u.requests, 0)} of ${plan.units.reduce((n, u) => n + u.requests, 0)} requests)`,
  );
  for (const { name, why } of plan.keptWhole) terminal.out(`  │ ${name} is one unit: ${why}`);
  for (const pin of plan.unknownPins)
    terminal.err(
      `warning: pm-oauth2.config.json shard.keepWhole names "${pin}", which is none of the collections run — check the name (a collection's name or file stem)`,
    );
}

/** newman's bare --bail stops at any error or failure, as does its failure modifier; folder alone only skips the folder. */
function stopsTheJob(bail: boolean | readonly string[]): boolean {
  return bail === true || (Array.isArray(bail) && bail.includes('failure'));
}

/** A configuration whose validation passed without DPoP never asks for a proof: this says so if one ever does. */
const noProofs: ProofFactory = () => {
  throw new Error('a DPoP proof was asked for in a job whose configuration has no DPoP');
};

/** The in-process auth for this job: tokens in Node, each masked from the moment it exists. */
function fastPath(
  redactor: Redactor,
  tokenStats: TokenStats,
  options: JobOptions,
  variables: Iterable<string>,
  agentFor: ProxyAgentFor,
  proofs: ProofFactory | undefined,
) {
  const nonces = memoryNonceStore();
  const broker: TokenSource =
    options.tokenSource?.((token) => redactor.addToken(token)) ??
    jobTokenBroker({
      newmanOptions: options.newmanOptions ?? {},
      agentFor,
      proofs,
      nonces,
      tokenStats,
      federated: jobFederatedAssertions((value) => redactor.addToken(value)),
      events: {
        onToken: (token, config, profile) => {
          redactor.addToken(token.accessToken);
          options.terminal.out(`  │ pm-oauth2: ${describeNewToken(config, token, profile)}`);
        },
      },
    });
  const reasons: string[] = [];
  const where = options.environment ? `set it in ${options.environment.file}, ` : '';
  const release = useAuthHandler(
    createAuthHandler(
      broker,
      {
        onBlocked: (message) => reasons.push(message),
        whereToSet: (name) => `${where}export ${environmentNameFor(name)}, add it to .env, or pass --env-var ${name}=…`,
      },
      { proofs: proofs ?? noProofs, nonces },
    ),
    variables,
  );
  return { broker, release, takeBlockedReason: () => reasons.shift() };
}

/** The Postman SDK Newman runs the collections with (loaded with it): the check that matters, at no cost. */
function newmanSdk(): CollectionSdk {
  return createRequire(createRequire(import.meta.url).resolve('newman'))('postman-collection') as CollectionSdk;
}

async function loadCollections(inputs: readonly string[], terminal: Terminal): Promise<LoadedCollection[]> {
  const files = await expandInputs(inputs);
  if (!files.length)
    throw new PmOAuth2Error(
      'USAGE',
      `no collections found in ${inputs.join(', ')} — run npm run collection:build, or pass collection files`,
    );
  let scripts: ScriptVariants | undefined;
  const loaded: LoadedCollection[] = [];
  for (const file of files) {
    let collection = await readCollectionFile(file, { sdk: newmanSdk() });
    if (!collection.event?.some((e) => e.script?.id === SCRIPT_ID)) {
      scripts ??= await readScripts(DEFAULT_SCRIPT_PATHS);
      terminal.err(
        `note: ${file} is not built; the token script was embedded for this run only (pm-oauth2 build makes it permanent)`,
      );
      collection = embedScript(collection, scripts).collection;
    }
    loaded.push({
      name: collection.info.name ?? file,
      stem: outputName(basename(file)).replace(/\.postman_collection\.json$/, ''),
      collection,
    });
  }
  return loaded;
}

/**
 * DPoP without a key: one P-256 key for the run, made in Node (the sandbox has no secure random
 * source), given to every collection and profile as oauth2_dpop_key and masked like any secret.
 */
async function withDpopKeyForRun(
  collections: readonly LoadedCollection[],
  options: JobOptions,
  globals: Globals,
): Promise<Variables> {
  const collectionValues = collections.flatMap((c) =>
    (c.collection.variable ?? []).map((v): [string, string] => [v.key, v.value === undefined ? '' : String(v.value)]),
  );
  if (
    !dpopKeyMissing([
      ...[...options.variables, ...globals].map(([key, v]): [string, string] => [key, v.value]),
      ...collectionValues,
    ])
  )
    return options.variables;
  const made = (await import('./node-dpop.js')).dpopKeyForRun();
  options.terminal.err(made.note);
  return new Map([
    ...options.variables,
    [VARIABLES.dpopKey, { value: made.jwk, source: 'made for this run', secret: true }],
  ]);
}

/**
 * --in-sandbox: the script can read a federated assertion only as oauth2_client_assertion, so the
 * run reads it from its source once, before anything runs, and hands it over as a secret variable
 * (it must outlast the run: a GitHub ID token lasts minutes). A source that fails stops the job here.
 */
async function withFederatedAssertionForSandbox(
  configs: readonly TokenConfig[],
  options: JobOptions,
): Promise<Variables> {
  const federated = configs.find(
    (c) => usesGivenAssertion(c.clientAuth) && !c.assertion.given && c.assertion.federatedSource,
  );
  if (!federated) return options.variables;
  const { jobFederatedAssertions, withFederatedAssertion } = await import('./federated/assertion-source.js');
  try {
    const filled = await withFederatedAssertion(
      federated,
      jobFederatedAssertions(() => undefined, options.env ?? process.env),
    );
    return new Map([
      ...options.variables,
      [VARIABLES.clientAssertion, { value: filled.assertion.given, source: 'read for this run', secret: true }],
    ]);
  } catch (error) {
    if (!isOAuthError(error)) throw error;
    throw new PmOAuth2Error('CONFIG_INVALID', `${error.message}; nothing was run — ${error.advice}`);
  }
}

/**
 * Knows every secret of the job, and every client id it may be sent with: a Basic header is the
 * base64 of id:secret, which no search for the secret alone finds.
 */
function redactorFor(
  variables: ReadonlyArray<{ readonly value: string; readonly secret: boolean }>,
  configs: readonly TokenConfig[],
  optionSecrets: readonly string[],
): Redactor {
  const redactor = new Redactor();
  const secrets = new Set<string>(optionSecrets.filter(Boolean));
  for (const variable of variables) if (variable.secret && variable.value) secrets.add(variable.value);
  for (const config of configs)
    [config.clientSecret, config.assertion.privateKey, config.dpop?.privateKey ?? '']
      .filter(Boolean)
      .forEach((s) => secrets.add(s));
  const clientIds = new Set(configs.map((c) => c.clientId));
  for (const secret of secrets) {
    redactor.addSecret(secret);
    for (const clientId of clientIds) redactor.addCredentials(clientId, secret);
  }
  return redactor;
}

/**
 * The configuration signs client assertions or DPoP proofs: collections built with the small script
 * get the other for this run. With DPoP, also the after-response script: an API's nonce (RFC 9449
 * §9) can only be learned from its answer.
 */
async function withSigningScript(
  collections: readonly LoadedCollection[],
  dpop: boolean,
  terminal: Terminal,
): Promise<LoadedCollection[]> {
  const scripts = await readScripts(DEFAULT_SCRIPT_PATHS);
  return collections.map((loaded) => {
    const afterResponse = hasTestScript(loaded.collection);
    if (hasJwtScript(loaded.collection) && (afterResponse || !dpop)) return loaded;
    const what = [
      hasJwtScript(loaded.collection) ? '' : 'the signing variant of the script',
      afterResponse ? '' : "its after-response script (for the API's DPoP nonces)",
    ]
      .filter(Boolean)
      .join(' and ');
    terminal.err(
      `note: ${loaded.name} is run with ${what} (pm-oauth2 build --jwt${afterResponse ? '' : ' --retry-on-401'} makes it permanent)`,
    );
    return {
      ...loaded,
      collection: embedScript(loaded.collection, scripts, { jwt: true, retryOn401: afterResponse || dpop }).collection,
    };
  });
}

/**
 * The script's token call must not follow a redirect (it would re-send the credentials where it
 * points), and pm.sendRequest takes no per-request setting: the engine's default is turned off
 * (newman's ignoreRedirects), and the collection's own requests keep following redirects through
 * its root protocolProfileBehavior — unless the user asked for --ignore-redirects or the collection
 * already says.
 */
function withTokenRedirectsRefused(
  collection: Collection,
  newmanOptions: Readonly<Record<string, unknown>> | undefined,
): Collection {
  const own = collection['protocolProfileBehavior'];
  const behavior = own && typeof own === 'object' ? (own as Record<string, unknown>) : {};
  if (newmanOptions?.['ignoreRedirects'] === true || 'followRedirects' in behavior) return collection;
  return { ...collection, protocolProfileBehavior: { ...behavior, followRedirects: true } };
}

function environmentJson(name: string, variables: Variables): EnvironmentJson {
  return {
    name,
    values: [...variables].map(([key, v]) => ({
      key,
      value: v.value,
      type: v.secret ? 'secret' : 'default',
      enabled: true,
    })),
  };
}

/** The next collection starts from the environment the last one left, token included. */
function carryOver(previous: EnvironmentJson, after: Record<string, unknown>): EnvironmentJson {
  const types = new Map(previous.values.map((v) => [v.key, v.type]));
  return {
    name: previous.name,
    values: Object.entries(after).map(([key, value]) => ({
      key,
      value: value === undefined || value === null ? '' : String(value),
      type: types.get(key) ?? 'default',
      enabled: true,
    })),
  };
}

function expiriesIn(environment: EnvironmentJson): JobResult['expiries'] {
  return environment.values.flatMap((v) => {
    const ours = parseVariable(v.key);
    const at = Number(v.value);
    return ours?.base === CACHE_VARIABLES.expiresAt && at ? [{ profile: ours.profile, at }] : [];
  });
}

/** Tokens are masked, and fingerprints (a hash of the secret, so a guess could be tested against one) hidden. */
function rememberTokens(environment: Record<string, unknown>, redactor: Redactor): void {
  for (const [key, value] of Object.entries(environment)) {
    if (typeof value !== 'string' || !value) continue;
    const base = parseVariable(key)?.base;
    if (base === CACHE_VARIABLES.accessToken) redactor.addToken(value);
    if (base === CACHE_VARIABLES.fingerprint) redactor.addSecret(value);
  }
}

/** The token in a token endpoint's answer the script received: masked from then on, whatever the script calls it. */
function rememberIssuedToken(body: string, redactor: Redactor): void {
  try {
    const token = (JSON.parse(body) as { access_token?: unknown }).access_token;
    if (typeof token === 'string' && token) redactor.addToken(token);
  } catch {
    // Not JSON: the script fails closed on it, and there is no token to mask.
  }
}
