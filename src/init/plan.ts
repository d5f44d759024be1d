// `pm-oauth2 init`: what a project lacks, as a list of steps that each write one file and never
// overwrite one — shown as is by --dry-run, carried out otherwise.
import { mkdir, readdir, readFile, realpath, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, sep } from 'node:path';
import { PmOAuth2Error } from '../errors.js';
import { CONFIG_FILE, readBuildConfig } from '../generator/build-config.js';
import { writeFileAtomic } from '../files.js';
import { withoutBom } from '../files.js';
import {
  buildConfigJson,
  ENVIRONMENT_NAMES,
  environmentJson,
  GITIGNORE_LINES,
  githubWorkflow,
  gitlabJob,
  packageScripts,
} from './templates.js';
import { parseJsonText } from '../json-text.js';

export interface InitStep {
  /** Relative to the project root. */
  readonly path: string;
  readonly action: 'create' | 'update' | 'keep';
  readonly why: string;
  /** The file's new content; none for keep. */
  readonly content?: string;
  /** Adds pm-oauth2 as a dev dependency: `npm install` comes next. */
  readonly addsDependency?: boolean;
}

export interface InitPlan {
  readonly root: string;
  readonly collectionsDir: string;
  readonly profiles: readonly string[];
  readonly steps: readonly InitStep[];
  /** What the user must do that init cannot: CI files in a sub-folder of a repository, say. */
  readonly notes: readonly string[];
}

export interface InitOptions {
  /** The folder of the Postman collections; found or `collections` when not given. */
  readonly collections?: string;
  /** The version of pm-oauth2 to add as a dev dependency. */
  readonly version: string;
  /** CI jobs each environment's suite is split over (run --shard), plus a merge job; 1: one job. @default 1 */
  readonly shards?: number;
  /** CI jobs that authenticate with their own ID token (workload identity federation), not a stored secret. */
  readonly federated?: boolean;
}

const exists = async (path: string) => !!(await stat(path).catch(() => undefined));
const SKIPPED = new Set(['node_modules', '.git', 'build', 'dist', 'reports']);

export async function planInit(root: string, options: InitOptions): Promise<InitPlan> {
  const collectionsDir = options.collections ?? (await findCollectionsDir(root)) ?? 'collections';
  const config = await readBuildConfig(join(root, CONFIG_FILE), false);
  const profiles = [...new Set(Object.values(config.folderProfiles))].sort();
  const created = async (path: string, content: string, why: string): Promise<InitStep> =>
    (await exists(join(root, path)))
      ? { path, action: 'keep', why: 'exists, kept as it is' }
      : { path, action: 'create', why, content };
  const steps: InitStep[] = [
    (await exists(join(root, collectionsDir)))
      ? { path: `${collectionsDir}/`, action: 'keep', why: 'the collections to build' }
      : { path: `${collectionsDir}/`, action: 'create', why: 'put your Postman collection exports here' },
    ...(await Promise.all(
      ENVIRONMENT_NAMES.map((name) =>
        created(
          `environments/${name}.postman_environment.json`,
          environmentJson(name, profiles),
          `the ${name} environment: token URL and client id to fill in, the secret empty (typed secret)`,
        ),
      ),
    )),
    await created(CONFIG_FILE, buildConfigJson(), 'the build configuration: map folders to credential profiles here'),
    await created(
      '.github/workflows/api-tests.yml',
      githubWorkflow(collectionsDir, profiles, options.shards ?? 1, options.federated ?? false),
      `GitHub Actions: every environment${(options.shards ?? 1) > 1 ? ` in ${options.shards} shards and a merge job` : ''}, ${options.federated ? "the job's own ID token (no secret)" : 'secrets from the store'}, JUnit published`,
    ),
    await created(
      '.gitlab-ci.yml',
      gitlabJob(collectionsDir, profiles, options.shards ?? 1, options.federated ?? false),
      'GitLab CI: the same jobs',
    ),
    await gitignoreStep(root),
    await packageJsonStep(root, collectionsDir, options.version),
  ];
  return { root, collectionsDir, profiles, steps, notes: await ciPlacementNotes(root) };
}

/**
 * A package inside a repository (a monorepo's workspace): GitHub reads workflows only from the
 * repository's own .github/workflows, GitLab only its root .gitlab-ci.yml. Init writes them here,
 * beside the package, and says where they must go and what changes there.
 */
async function ciPlacementNotes(root: string): Promise<string[]> {
  if (await exists(join(root, '.git'))) return [];
  for (let dir = dirname(root); dir !== dirname(dir); dir = dirname(dir)) {
    if (!(await exists(join(dir, '.git')))) continue;
    const sub = relative(dir, root).split(sep).join('/');
    return [
      `this package is in the repository at ${dir} (as ${sub}/): GitHub reads workflows only from ${join(dir, '.github', 'workflows')}, and GitLab only ${join(dir, '.gitlab-ci.yml')} — move them there, and in them run from ${sub} (GitHub: \`defaults: run: working-directory: ${sub}\`; GitLab: \`cd ${sub}\` first in script) with the report paths under ${sub}/`,
    ];
  }
  return [];
}

/**
 * Carries out the steps: folders and files that are missing, and the lines added to .gitignore and
 * package.json. A file it updates is written where it really is (through a symbolic link, which
 * stays a link) and keeps its mode; a read-only one stops init before anything is written.
 */
export async function applyInit(plan: InitPlan): Promise<void> {
  const updates = new Map<InitStep, { file: string; mode: number }>();
  for (const step of plan.steps) if (step.action === 'update') updates.set(step, await updatable(plan.root, step.path));
  for (const step of plan.steps) {
    const target = join(plan.root, step.path);
    if (step.action === 'keep') continue;
    if (step.path.endsWith('/')) await mkdir(target, { recursive: true });
    else if (step.content !== undefined) {
      const existing = updates.get(step);
      await writeFileAtomic(existing?.file ?? target, step.content, existing?.mode);
    }
  }
}

/** Where an existing file really is, and its mode; refused when it is read-only (someone meant it). */
async function updatable(root: string, path: string): Promise<{ file: string; mode: number }> {
  const file = await realpath(join(root, path));
  const { mode } = await stat(file);
  if (!(mode & 0o200)) {
    throw new PmOAuth2Error(
      'USAGE',
      `${path} is read-only (mode ${(mode & 0o777).toString(8)}), so init changes nothing — make it writable and run init again, or make the change by hand (pm-oauth2 init --dry-run shows it)`,
    );
  }
  return { file, mode: mode & 0o7777 };
}

/** The one folder of the project that holds Postman collection exports, if there is exactly one. */
async function findCollectionsDir(root: string): Promise<string | undefined> {
  const found = new Set<string>();
  const walk = async (dir: string, depth: number): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      if (entry.isFile() && /\.postman_collection\.json$/i.test(entry.name)) found.add(relative(root, dir) || '.');
      else if (entry.isDirectory() && depth < 2 && !SKIPPED.has(entry.name) && !entry.name.startsWith('.'))
        await walk(join(dir, entry.name), depth + 1);
    }
  };
  await walk(root, 0);
  const [only] = found;
  return found.size === 1 && only !== '.' ? only : undefined;
}

async function gitignoreStep(root: string): Promise<InitStep> {
  const path = '.gitignore';
  const text = await readFile(join(root, path), 'utf8').catch(() => undefined);
  const present = new Set((text ?? '').split(/\r?\n/).map((line) => line.trim()));
  const missing = GITIGNORE_LINES.filter(
    (line) => !present.has(line) && !present.has(line.replace(/\/$/, '')) && !present.has(`/${line}`),
  );
  if (!missing.length) return { path, action: 'keep', why: `already ignores ${GITIGNORE_LINES.join(', ')}` };
  const base = text === undefined ? '' : text.endsWith('\n') || text === '' ? text : `${text}\n`;
  return {
    path,
    action: text === undefined ? 'create' : 'update',
    why: `ignore ${missing.join(', ')} (built collections, reports, local secrets)`,
    content: `${base}# pm-oauth2\n${missing.join('\n')}\n`,
  };
}

async function packageJsonStep(root: string, collectionsDir: string, version: string): Promise<InitStep> {
  const path = 'package.json';
  const text = await readFile(join(root, path), 'utf8').catch(() => undefined);
  const scripts = packageScripts(collectionsDir);
  if (text === undefined) {
    const name =
      basename(root)
        .toLowerCase()
        .replace(/[^a-z0-9-]+/g, '-')
        .replace(/^-+|-+$/g, '') || 'api-tests';
    const json = { name, private: true, scripts, devDependencies: { 'pm-oauth2': `^${version}` } };
    return {
      path,
      action: 'create',
      why: 'scripts collection:build and test:api, pm-oauth2 as a dev dependency',
      content: `${JSON.stringify(json, null, 2)}\n`,
      addsDependency: true,
    };
  }
  const parsed = parseJsonText(withoutBom(text));
  if (!parsed.ok)
    throw new PmOAuth2Error(
      'INPUT_NOT_JSON',
      `${join(root, path)}: not JSON (${parsed.where}) — fix it, then run pm-oauth2 init again; nothing was written`,
    );
  const json = parsed.value as Record<string, unknown>;
  const existing = (json['scripts'] ?? {}) as Record<string, string>;
  const added = Object.entries(scripts).filter(([name]) => existing[name] === undefined);
  const dependencies = { ...(json['dependencies'] as object), ...(json['devDependencies'] as object) } as Record<
    string,
    string
  >;
  const addDependency = dependencies['pm-oauth2'] === undefined;
  if (!added.length && !addDependency) return { path, action: 'keep', why: 'has the scripts and the dependency' };
  const updated = {
    ...json,
    scripts: { ...existing, ...Object.fromEntries(added) },
    ...(addDependency
      ? { devDependencies: { ...(json['devDependencies'] as object), 'pm-oauth2': `^${version}` } }
      : {}),
  };
  const indent = /^[ \t]+(?=")/m.exec(text)?.[0] ?? '  ';
  const what = [
    ...(added.length ? [`scripts ${added.map(([name]) => name).join(', ')}`] : []),
    ...(addDependency ? ['pm-oauth2 as a dev dependency'] : []),
  ];
  return {
    path,
    action: 'update',
    why: `add ${what.join(' and ')}; nothing else changes`,
    content: `${JSON.stringify(updated, null, indent)}\n`,
    addsDependency: addDependency,
  };
}
