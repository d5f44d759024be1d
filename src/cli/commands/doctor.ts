import { usesGivenAssertion } from '../../oauth/client-auth.js';
import { join, resolve } from 'node:path';
import type { Argv } from 'yargs';
import { loadEnvironmentFile } from '../../runner/environment-file.js';
import { checkConfig } from '../../runner/validate-config.js';
import { dpopKeyMissing } from '../../oauth/dpop/setting.js';
import { mergeVariables, readDotenv, type Variables } from '../../runner/variable-sources.js';
import { EXIT } from '../exit-codes.js';
import { findProjectRoot } from '../project-root.js';
import { newmanRunOptions, passThroughYargs } from '../../runner/newman-options.js';
import type { Terminal } from '../../terminal.js';
import { withoutUserinfo, type TokenConfig } from '../../oauth/config.js';
import { isOAuthError } from '../../oauth/errors.js';
import { secretEchoes } from '../../oauth/failure.js';
import { redactSecrets } from '../../oauth/mask.js';

export interface DoctorArgs {
  readonly [tlsOption: string]: unknown;
  readonly env: string | undefined;
  readonly envVar: string[];
  readonly dotenv: string | undefined;
  readonly profile: string | undefined;
  readonly collection: string | undefined;
}

// The TLS options come from a table (newman-options.ts), which yargs cannot infer: DoctorArgs names what
// the command reads, and the builder is cast to it.
export function doctorOptions(yargs: Argv): Argv<DoctorArgs> {
  return yargs
    .option('env', {
      alias: 'e',
      type: 'string',
      describe: 'environment name (environments/<name>.postman_environment.json) or file',
    })
    .option('env-var', { type: 'string', array: true, default: [], describe: 'set a variable, key=value (repeatable)' })
    .option('dotenv', {
      type: 'string',
      describe: 'a .env file; must exist when named [default: .env, read when present]',
    })
    .option('collection', {
      type: 'string',
      describe: "a collection whose own variables count too, below the environment's (as in Newman)",
    })
    .option('profile', {
      type: 'string',
      describe: 'check a credential profile (its oauth2_<profile>_* variables, falling back to oauth2_*)',
    })
    .options(passThroughYargs('tls'))
    .example('OAUTH2_CLIENT_SECRET=… $0 doctor --env qa', 'check the qa configuration and fetch one token')
    .example(
      '$0 doctor --env qa --collection build/collections/orders.postman_collection.json',
      "the same, with the collection's own variables (its oauth2_client_auth, say)",
    ) as unknown as Argv<DoctorArgs>;
}

export async function doctorCommand(args: DoctorArgs, terminal: Terminal, cwd = process.cwd()): Promise<number> {
  const root = await findProjectRoot(cwd);
  const environment = args.env !== undefined ? await loadEnvironmentFile(args.env, root) : undefined;
  const variables = mergeVariables({
    environment,
    dotenvText: await readDotenv(
      args.dotenv === undefined ? join(root, '.env') : resolve(cwd, args.dotenv),
      args.dotenv !== undefined,
    ),
    processEnv: process.env,
    flags: args.envVar,
  });
  if (dpopKeyMissing([...variables].map(([key, v]) => [key, v.value]))) {
    const made = (await import('../../runner/node-dpop.js')).dpopKeyForRun();
    terminal.out(made.note);
    variables.set('oauth2_dpop_key', { value: made.jwk, source: 'made for this run', secret: true });
  }
  const collectionVariables = args.collection ? await variablesOfCollection(resolve(cwd, args.collection)) : {};
  const check = checkConfig(variables, collectionVariables, environment?.file, args.profile ?? '');
  terminal.out(
    `pm-oauth2 doctor: environment ${environment ? `${environment.name} (${environment.file})` : '(none)'}${args.profile ? `, profile ${args.profile}` : ''}`,
  );
  describeVariables(variables).forEach((line) => terminal.out(line));
  check.warnings.forEach((w) => terminal.out(`! ${w}`));
  if (!check.config) {
    check.problems.forEach((p) => terminal.out(`✗ ${p}`));
    return EXIT.usage;
  }
  const { diagnose } = await import('../../runner/doctor.js');
  const { nodeRuntimeWith } = await import('../../runner/node-token-client.js');
  const { tokenEndpointTls } = await import('../../runner/token-endpoint-tls.js');
  const { proxyAgents } = await import('../../runner/token-endpoint-proxy.js');
  const tls = newmanRunOptions(args, cwd);
  const proofs = check.config.dpop ? (await import('../../runner/node-dpop.js')).nodeProofs : undefined;
  const federated = usesGivenAssertion(check.config.clientAuth)
    ? await federatedConfig(check.config, terminal)
    : undefined;
  if (federated === null) return EXIT.failures;
  const { IssuerAudiences } = await import('../../runner/assertion/issuer-audience.js');
  let config: TokenConfig;
  try {
    config = await new IssuerAudiences().resolve(federated?.config ?? check.config);
  } catch (error) {
    if (!isOAuthError(error)) throw error;
    terminal.out(`✗ [${error.code}] ${error.message}`);
    terminal.out(`  fix: ${error.advice}`);
    return EXIT.failures;
  }
  const diagnosis = await diagnose(config, {
    runtime: nodeRuntimeWith(tokenEndpointTls(tls), await proxyAgents(process.env), { proofs }),
    clientCertificate: !!(tls['sslClientCert'] || tls['sslClientCertList']),
  });
  // A server may echo the assertion it was sent: it never reaches the terminal.
  diagnosis.lines.forEach((line) => terminal.out(redactSecrets(line, federated?.secrets ?? [])));
  return diagnosis.ok ? EXIT.ok : EXIT.failures;
}

/** The federated assertion from its source, and what the provider will see of it; null when it cannot be read (said why). */
async function federatedConfig(
  config: TokenConfig,
  terminal: Terminal,
): Promise<{ config: TokenConfig; secrets: string[] } | null> {
  const { describeFederatedAssertion, jobFederatedAssertions, withFederatedAssertion } = await import(
    '../../runner/federated/assertion-source.js'
  );
  const secrets: string[] = [...secretEchoes(config.assertion.given)];
  try {
    const filled = await withFederatedAssertion(
      config,
      jobFederatedAssertions((value) => secrets.push(...secretEchoes(value))),
    );
    describeFederatedAssertion(
      filled.assertion.given,
      config.assertion.given ? '' : config.assertion.federatedSource,
      Date.now(),
    ).forEach((line) => terminal.out(line));
    return { config: filled, secrets };
  } catch (error) {
    if (!isOAuthError(error)) throw error;
    terminal.out(redactSecrets(`✗ [${error.code}] ${error.message}`, secrets));
    terminal.out(`  fix: ${error.advice}`);
    return null;
  }
}

/** What is set and where it came from; a secret shows only that it is set. */
function describeVariables(variables: Variables): string[] {
  return [...variables]
    .filter(([key]) => key.startsWith('oauth2_') && !/access_token|expires_at|issued_at|fingerprint/.test(key))
    .map(
      ([key, v]) =>
        `  ${key.padEnd(22)} ${v.secret ? (v.value ? `(set, ${v.value.length} characters)` : '(empty)') : withoutUserinfo(v.value) || '(empty)'}  [${v.source}]`,
    );
}

/** A collection's own variables, as Newman reads them (its lowest-ranked scope). */
async function variablesOfCollection(file: string): Promise<Record<string, string>> {
  const { readCollectionFile } = await import('../../generator/read-collection.js');
  const collection = await readCollectionFile(file);
  return Object.fromEntries(
    (collection.variable ?? []).map((v) => [v.key, v.value === undefined || v.value === null ? '' : String(v.value)]),
  );
}
