// What `pm-oauth2 init` writes into a project: environments with the secrets empty and typed
// secret, the build configuration, and CI jobs that call `npx pm-oauth2` with every profile's
// secret from the CI's store. Texts only; plan.ts decides what is missing.
import { profileVariable } from '../oauth/profiles.js';
import { VARIABLES } from '../oauth/vocabulary.js';
import { environmentNameFor } from '../oauth/vocabulary.js';

export const ENVIRONMENT_NAMES = ['local', 'dev', 'qa', 'uat', 'prod'] as const;
/** The CI matrix: every environment but local, which is a developer's machine. */
export const CI_ENVIRONMENTS = ENVIRONMENT_NAMES.filter((name) => name !== 'local');

/** The secret variables a job must pass: the default client's and each profile's. */
export function secretVariables(profiles: readonly string[]): string[] {
  return ['', ...profiles].map((profile) => environmentNameFor(profileVariable(VARIABLES.clientSecret, profile)));
}

export function environmentJson(name: string, profiles: readonly string[]): string {
  const entry = (key: string, type: 'default' | 'secret' = 'default', value = '') => ({
    key,
    value,
    type,
    enabled: true,
  });
  const values = [
    entry(VARIABLES.tokenUrl),
    entry(VARIABLES.clientId),
    entry(VARIABLES.clientSecret, 'secret'),
    entry(VARIABLES.scope),
    ...profiles.flatMap((profile) => [
      entry(profileVariable(VARIABLES.clientId, profile)),
      entry(profileVariable(VARIABLES.clientSecret, profile), 'secret'),
    ]),
  ];
  return `${JSON.stringify({ name, values, _postman_variable_scope: 'environment' }, null, 2)}\n`;
}

export function buildConfigJson(): string {
  return `${JSON.stringify({ folderProfiles: {} }, null, 2)}\n`;
}

/** The first steps of every GitHub job: the repository, Node with npm's cache, the locked install. */
const GITHUB_SETUP = `    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 22
          cache: npm
      - run: npm ci
`;

/** The run step's env: the client secrets from the store, or (--federated) the job's own ID token. */
function githubRunEnv(profiles: readonly string[], federated: boolean): string {
  if (federated)
    return `          ${environmentNameFor(VARIABLES.clientAuth)}: federated\n          ${environmentNameFor(VARIABLES.federatedSource)}: github`;
  return secretVariables(profiles)
    .map((name) => `          ${name}: \${{ secrets.${name} }}`)
    .join('\n');
}

/** id-token: write lets the job ask GitHub for its ID token (--federated). */
function githubIdTokenPermission(federated: boolean): string {
  return federated ? '      id-token: write\n' : '';
}

function githubSecretsComment(profiles: readonly string[], federated: boolean): string {
  if (federated)
    return `# No client secret: each environment's client has a federated credential for this repository
# (Entra ID: issuer https://token.actions.githubusercontent.com, subject repo:<org>/<repo>:environment:<env>,
# audience api://AzureADTokenExchange — see pm-oauth2's docs: how-to/federation.md). Fill in environments/<env>.postman_environment.json.`;
  return `# Add ${secretVariables(profiles).join(', ')} to each GitHub environment (Settings → Environments →
# <env> → Secrets), and fill in environments/<env>.postman_environment.json.`;
}

/** The GitLab job's ID token and the variables that send it (--federated); nothing otherwise. */
function gitlabFederation(federated: boolean): string {
  if (!federated) return '';
  return `  # The job's ID token is the client assertion: set aud to what your provider expects (Entra ID:
  # api://AzureADTokenExchange; Keycloak: the realm's URL).
  id_tokens:
    PM_OAUTH2_ID_TOKEN:
      aud: api://AzureADTokenExchange
  variables:
    ${environmentNameFor(VARIABLES.clientAuth)}: federated
    ${environmentNameFor(VARIABLES.federatedSource)}: env:PM_OAUTH2_ID_TOKEN
`;
}

function gitlabSecretsComment(profiles: readonly string[], federated: boolean): string {
  if (federated)
    return `# No client secret: the job's ID token (id_tokens) is the client assertion; register a federated
# credential for each environment's client (see pm-oauth2's docs: how-to/federation.md).`;
  return `# Set ${secretVariables(profiles).join(', ')} as masked, protected CI/CD variables scoped to each
# environment (Settings → CI/CD → Variables).`;
}

/** ["1/4", "2/4", "3/4", "4/4"] */
function shardList(shards: number): string[] {
  return Array.from({ length: shards }, (_, i) => `${i + 1}/${shards}`);
}

export function githubWorkflow(
  collectionsDir: string,
  profiles: readonly string[],
  shards = 1,
  federated = false,
): string {
  if (shards > 1) return githubShardedWorkflow(collectionsDir, profiles, shards, federated);
  const secrets = githubRunEnv(profiles, federated);
  return `# API tests with pm-oauth2: every environment in parallel, the JUnit report published.
${githubSecretsComment(profiles, federated)}
name: API tests

# On demand and on weekday mornings; add a push trigger once the environment files point at real servers.
on:
  workflow_dispatch:
  schedule:
    - cron: '0 6 * * 1-5'

jobs:
  api-tests:
    name: API tests (\${{ matrix.environment }})
    runs-on: ubuntu-latest
    timeout-minutes: 20
    strategy:
      fail-fast: false
      matrix:
        environment: [${CI_ENVIRONMENTS.join(', ')}]
    environment: \${{ matrix.environment }}
    permissions:
      contents: read
      checks: write
${githubIdTokenPermission(federated)}${GITHUB_SETUP}      - run: npx pm-oauth2 build ${collectionsDir} --out build/collections
      - name: Run the collections
        env:
${secrets}
        run: >-
          npx pm-oauth2 run build/collections
          --env \${{ matrix.environment }}
          --reporters cli,junit
          --junit reports/junit-\${{ matrix.environment }}.xml
      - name: Keep the (redacted) reports
        if: always()
        uses: actions/upload-artifact@v4
        with:
          name: reports-\${{ matrix.environment }}
          path: reports/
      - name: Publish the JUnit report
        if: always()
        uses: mikepenz/action-junit-report@v5
        with:
          report_paths: reports/junit-\${{ matrix.environment }}.xml
          check_name: API tests (\${{ matrix.environment }})
`;
}

function githubShardedWorkflow(
  collectionsDir: string,
  profiles: readonly string[],
  shards: number,
  federated: boolean,
): string {
  const secrets = githubRunEnv(profiles, federated);
  return `# API tests with pm-oauth2: each environment's suite split over ${shards} jobs (run --shard), whose
# reports one more job per environment merges (merge-reports: it fails when a shard is missing).
${githubSecretsComment(profiles, federated)}
name: API tests

on:
  workflow_dispatch:
  schedule:
    - cron: '0 6 * * 1-5'

jobs:
  api-tests:
    name: API tests (\${{ matrix.environment }}, shard \${{ matrix.shard }})
    runs-on: ubuntu-latest
    timeout-minutes: 20
    strategy:
      fail-fast: false
      matrix:
        environment: [${CI_ENVIRONMENTS.join(', ')}]
        shard: [${shardList(shards).join(', ')}]
    environment: \${{ matrix.environment }}
    permissions:
      contents: read
${githubIdTokenPermission(federated)}${GITHUB_SETUP}      - run: npx pm-oauth2 build ${collectionsDir} --out build/collections
      - name: Run this shard
        env:
${secrets}
        run: >-
          npx pm-oauth2 run build/collections
          --env \${{ matrix.environment }}
          --shard \${{ matrix.shard }}
          --reporters cli
          --report-dir reports/shard
      - name: Keep the shard's (redacted) reports for the merge
        if: always()
        uses: actions/upload-artifact@v4
        with:
          name: shard-\${{ matrix.environment }}-\${{ strategy.job-index }}
          path: reports/shard/

  merge-reports:
    name: API tests (\${{ matrix.environment }})
    needs: api-tests
    if: always()
    runs-on: ubuntu-latest
    strategy:
      fail-fast: false
      matrix:
        environment: [${CI_ENVIRONMENTS.join(', ')}]
    permissions:
      contents: read
      checks: write
${GITHUB_SETUP}      - uses: actions/download-artifact@v4
        with:
          pattern: shard-\${{ matrix.environment }}-*
          path: shards/
      - run: npx pm-oauth2 merge-reports shards/ --out reports/
      - name: Keep the merged reports
        if: always()
        uses: actions/upload-artifact@v4
        with:
          name: reports-\${{ matrix.environment }}
          path: reports/
      - name: Publish the JUnit report
        if: always()
        uses: mikepenz/action-junit-report@v5
        with:
          report_paths: reports/junit.xml
          check_name: API tests (\${{ matrix.environment }})
`;
}

/** A GitLab test job's start: on demand and on a schedule, over every environment. */
const GITLAB_JOB_HEAD = `  image: node:22
  stage: test
  # On demand (Run pipeline) and on a schedule (CI/CD → Schedules); not on every push while the
  # environment files are still empty.
  rules:
    - if: $CI_PIPELINE_SOURCE == "schedule" || $CI_PIPELINE_SOURCE == "web"
  parallel:
    matrix:
      - TARGET_ENV: [${CI_ENVIRONMENTS.join(', ')}]
`;

/** A GitLab test job's environment, npm cache, install and build, before the run. */
function gitlabBuildSteps(collectionsDir: string, federated: boolean): string {
  return `  environment:
    name: $TARGET_ENV
${gitlabFederation(federated)}  cache:
    key:
      files: [package-lock.json]
    paths: [.npm/]
  script:
    - npm ci --cache .npm --prefer-offline
    - npx pm-oauth2 build ${collectionsDir} --out build/collections
`;
}

export function gitlabJob(collectionsDir: string, profiles: readonly string[], shards = 1, federated = false): string {
  if (shards > 1) return gitlabShardedJobs(collectionsDir, profiles, shards, federated);
  return `# API tests with pm-oauth2: every environment in parallel, the JUnit report published.
${gitlabSecretsComment(profiles, federated)}
api-tests:
${GITLAB_JOB_HEAD}${gitlabBuildSteps(collectionsDir, federated)}    - npx pm-oauth2 run build/collections --env "$TARGET_ENV" --reporters cli,junit --junit "reports/junit-$TARGET_ENV.xml"
  artifacts:
    when: always
    paths: [reports/]
    reports:
      junit: reports/junit-$TARGET_ENV.xml
`;
}

function gitlabShardedJobs(
  collectionsDir: string,
  profiles: readonly string[],
  shards: number,
  federated: boolean,
): string {
  return `# API tests with pm-oauth2: each environment's suite split over ${shards} jobs (run --shard), whose
# reports one more job merges (merge-reports: it fails when a shard is missing).
${gitlabSecretsComment(profiles, federated)} SHARD is set by the matrix (not --shard ci: GitLab
# numbers a matrix's jobs across all its environments).
stages: [test, report]

api-tests:
${GITLAB_JOB_HEAD}        SHARD: [${shardList(shards)
    .map((s) => `"${s}"`)
    .join(', ')}]
${gitlabBuildSteps(collectionsDir, federated)}    - npx pm-oauth2 run build/collections --env "$TARGET_ENV" --shard "$SHARD" --reporters cli --report-dir "reports/$TARGET_ENV/shard-\${SHARD%%/*}"
  artifacts:
    when: always
    paths: [reports/]

api-tests-report:
  image: node:22
  stage: report
  rules:
    - if: $CI_PIPELINE_SOURCE == "schedule" || $CI_PIPELINE_SOURCE == "web"
      when: always
  parallel:
    matrix:
      - TARGET_ENV: [${CI_ENVIRONMENTS.join(', ')}]
  script:
    - npm ci --cache .npm --prefer-offline
    - npx pm-oauth2 merge-reports "reports/$TARGET_ENV" --out "merged/$TARGET_ENV"
  artifacts:
    when: always
    paths: [merged/]
    reports:
      junit: merged/$TARGET_ENV/junit.xml
`;
}

/** node_modules/ too: in a fresh repository, npm install is the next step. */
export const GITIGNORE_LINES = ['node_modules/', 'build/', 'reports/', '.env'];

export function packageScripts(collectionsDir: string): Record<string, string> {
  return {
    'collection:build': `pm-oauth2 build ${collectionsDir} --out build/collections`,
    // `npm run test:api -- --env qa`: npm appends the arguments to the run.
    'test:api': 'npm run collection:build --silent && pm-oauth2 run build/collections',
  };
}
