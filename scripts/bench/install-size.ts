// What a team installs with pm-oauth2: the production dependency closure, read from the lock file
// (as `npm install pm-oauth2` would resolve it) and sized on disk from this checkout's node_modules.
// Optional peer dependencies are not installed by npm, so they are left out; the OpenAPI converter
// is one of them (src/generator/openapi.ts).
import { lstat, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

interface LockPackage {
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

export interface InstallPart {
  readonly name: string;
  readonly packages: number;
  readonly bytes: number;
}

export interface InstallSize {
  readonly packages: number;
  readonly bytes: number;
  /** Each direct dependency's own share: what only it brings. */
  readonly parts: InstallPart[];
  /** Optional peers, with what installing each would add. */
  readonly optional: InstallPart[];
}

export async function measureInstall(root = '.'): Promise<InstallSize> {
  const lock = JSON.parse(await readFile(join(root, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, LockPackage>;
  };
  const packages = lock.packages;
  const resolve = (from: string, name: string): string | undefined => {
    for (let base = from; ; ) {
      const path = `${base ? `${base}/` : ''}node_modules/${name}`;
      if (packages[path]) return path;
      if (!base) return undefined;
      const at = base.lastIndexOf('/node_modules/');
      base = at < 0 ? '' : base.slice(0, at);
    }
  };
  const requires = (path: string): string[] => {
    const p = packages[path] ?? {};
    const peers = Object.keys(p.peerDependencies ?? {}).filter((n) => !p.peerDependenciesMeta?.[n]?.optional);
    return [...Object.keys(p.dependencies ?? {}), ...Object.keys(p.optionalDependencies ?? {}), ...peers].flatMap(
      (name) => resolve(path, name) ?? [],
    );
  };
  const closure = (starts: readonly string[]): Set<string> => {
    const seen = new Set<string>();
    const stack = [...starts];
    for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
      if (seen.has(next)) continue;
      seen.add(next);
      stack.push(...requires(next));
    }
    return seen;
  };
  const sizes = new Map<string, number>();
  const bytesOf = async (set: Iterable<string>): Promise<number> => {
    let total = 0;
    for (const path of set) {
      if (!sizes.has(path)) sizes.set(path, await directoryBytes(join(root, path)));
      total += sizes.get(path) ?? 0;
    }
    return total;
  };
  const rootPackage = packages[''] ?? {};
  const direct = Object.keys(rootPackage.dependencies ?? {}).flatMap((name) => resolve('', name) ?? []);
  const all = closure(direct);
  const parts: InstallPart[] = [];
  for (const dependency of direct) {
    const others = closure(direct.filter((d) => d !== dependency));
    const own = [...all].filter((p) => !others.has(p));
    parts.push({ name: dependency.slice('node_modules/'.length), packages: own.length, bytes: await bytesOf(own) });
  }
  const optional: InstallPart[] = [];
  for (const name of Object.keys(rootPackage.peerDependencies ?? {})) {
    const path = resolve('', name);
    if (!path) continue;
    const added = [...closure([path])].filter((p) => !all.has(p));
    optional.push({ name, packages: added.length, bytes: await bytesOf(added) });
  }
  return { packages: all.size, bytes: await bytesOf(all), parts: parts.sort((a, b) => b.bytes - a.bytes), optional };
}

/** Bytes of a package's own files, without the packages nested in it (counted as packages of their own). */
async function directoryBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    if (entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += await directoryBytes(path);
    else if (entry.isFile()) total += (await lstat(path)).size;
  }
  return total;
}

const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;

export const INSTALL_MARKERS = ['<!-- install -->', '<!-- /install -->'] as const;

export function installMarkdown(size: InstallSize): string {
  return [
    INSTALL_MARKERS[0],
    '## Install size',
    '',
    `What \`npm install --save-dev pm-oauth2\` adds to a project: **${size.packages} packages, ${mb(size.bytes)}** of files (the production closure of the lock file; sizes are the files' bytes, not disk blocks). Each direct dependency's own share (what only it brings):`,
    '',
    '| dependency | packages | size |',
    '|---|---|---|',
    ...size.parts.filter((p) => p.packages > 0).map((p) => `| ${p.name} | ${p.packages} | ${mb(p.bytes)} |`),
    ...size.optional.map(
      (p) => `| ${p.name} (optional peer, not installed unless asked) | +${p.packages} | +${mb(p.bytes)} |`,
    ),
    '',
    'Newman itself is the bulk. The OpenAPI converter is an optional peer dependency: only teams that build OpenAPI documents install it. The demo authorization server (oidc-provider) stays, so that `npx pm-oauth2 demo` works anywhere.',
    INSTALL_MARKERS[1],
  ].join('\n');
}
