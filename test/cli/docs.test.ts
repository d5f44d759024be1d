// The docs cannot drift from the tools: every command a code block in README.md or docs/ shows is
// read here as its tool reads it. pm-oauth2's own lines go through the CLI's own parser (the
// command, every option and positional, strictly); npm scripts must exist where the docs say they
// run; newman's options must be newman's. A command no rule below knows fails the test, so a new
// code block gets a rule rather than no check.
import assert from 'node:assert/strict';
import { cp, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseCommandLine } from '../../src/cli/main.js';
import { packageScripts } from '../../src/init/templates.js';
import type { LocalStack } from '../../src/servers/local-stack.js';
import { runProcess } from '../helpers/process.js';

const BIN = resolve('bin/pm-oauth2.js');
const NEWMAN = resolve('node_modules/newman/bin/newman.js');

interface Shown {
  readonly where: string;
  readonly words: string[];
}

/** Commands of other tools that the docs show as context (set a variable, read a file): nothing of ours to check. */
const CONTEXT = new Set(['export', 'cat', 'pbcopy', 'echo', 'openssl']);

describe('the docs: every command shown is one the tools take', function () {
  this.timeout(60_000);
  let shown: Shown[];
  let newmanOptions: Set<string>;
  let scripts: Record<string, string>;

  before(async () => {
    shown = await commandsInDocs();
    const help = await runProcess(process.execPath, ['node_modules/newman/bin/newman.js', 'run', '--help']);
    newmanOptions = new Set([...help.stdout.matchAll(/(?:^|[\s,])(-{1,2}[a-z][\w-]*)/gm)].map((m) => m[1] ?? ''));
    scripts = (JSON.parse(await readFile('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts;
  });

  it('finds the code blocks (a sanity check of the reader itself)', () => {
    assert.ok(shown.length >= 30, `only ${shown.length} commands found`);
    assert.ok(shown.some((s) => s.where.startsWith('docs/how-to/')));
  });

  it("pm-oauth2's own lines parse as the CLI parses them", async () => {
    const refused: string[] = [];
    const quiet = { out: () => {}, err: () => {} };
    for (const { where, words } of shown) {
      const args = pmOAuth2Args(words, scripts);
      if (!args) continue;
      await parseCommandLine(args, quiet).catch((error: Error) =>
        refused.push(`${where}: pm-oauth2 ${args.join(' ')} → ${error.message}`),
      );
    }
    assert.deepEqual(refused, []);
  });

  it('npm scripts exist where they run, newman options are newman’s, and nothing is unchecked', () => {
    const problems: string[] = [];
    for (const { where, words } of shown) {
      const [tool, sub, ...rest] = words;
      if (pmOAuth2Args(words, scripts)) continue;
      if (tool === 'npm' && (sub === 'run' || sub === 'start' || sub === 'test')) {
        const script = sub === 'run' ? (rest[0] ?? '') : sub;
        if (!(script in scripts)) problems.push(`${where}: npm run ${script}: no such script in package.json`);
      } else if (tool === 'npm' && (sub === 'ci' || sub === 'install')) {
        // npm's own
      } else if (tool === 'newman' && sub === 'run') {
        for (const option of rest.filter((w) => w.startsWith('-')))
          if (!newmanOptions.has(option)) problems.push(`${where}: newman run has no option ${option}`);
      } else if (!CONTEXT.has(tool ?? '')) {
        problems.push(`${where}: no rule checks "${words.join(' ')}" — add one to test/cli/docs.test.ts`);
      }
    }
    assert.deepEqual(problems, []);
  });

  it('links to files that exist and to headings they have', async () => {
    const broken: string[] = [];
    for (const file of ['README.md', ...(await markdownUnder('docs'))]) {
      const text = await readFile(file, 'utf8');
      for (const [, target = ''] of withoutCodeBlocks(text).matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/.test(target)) continue;
        const [path = '', anchor] = target.split('#');
        const linked = path ? join(dirname(file), path) : file;
        const linkedText = await readFile(linked, 'utf8').catch(() => undefined);
        if (linkedText === undefined && !(await isDirectory(linked))) broken.push(`${file}: ${target} (no such file)`);
        else if (anchor && linkedText !== undefined && !headingSlugs(linkedText).has(anchor))
          broken.push(`${file}: ${target} (no such heading)`);
      }
    }
    assert.deepEqual(broken, []);
  });

  it('explains every error code there is', async () => {
    const docs = await readFile('docs/errors.md', 'utf8');
    const codes = new Set<string>();
    for (const source of ['src/errors.ts', 'src/oauth/errors.ts']) {
      const text = await readFile(source, 'utf8');
      const union = /export type \w*ErrorCode =([^;]+);/.exec(text)?.[1] ?? '';
      for (const [, code = ''] of union.matchAll(/'([A-Z_0-9]+)'/g)) codes.add(code);
    }
    assert.ok(codes.size >= 15, [...codes].join(' '));
    assert.deepEqual(
      [...codes].filter((code) => !docs.includes(`\`${code}\``)),
      [],
      'codes docs/errors.md does not explain',
    );
  });

  it('catches a drift: a renamed option and an unknown command are refused', async () => {
    const quiet = { out: () => {}, err: () => {} };
    await assert.rejects(parseCommandLine(['run', '--enviroment', 'qa'], quiet), /Unknown argument: enviroment/);
    await assert.rejects(parseCommandLine(['merge', 'reports/'], quiet), /unknown command "merge"/);
  });
});

/**
 * The arguments pm-oauth2 gets from a line: `npx pm-oauth2 …`, `node bin/pm-oauth2.js …`, and the
 * npm scripts that end in a pm-oauth2 command (this repository's, and those init writes).
 */
function pmOAuth2Args(words: readonly string[], scripts: Record<string, string>): string[] | undefined {
  const [first, second, third, ...rest] = words;
  if (first === 'npx' && second === 'pm-oauth2') return [third ?? '', ...rest].filter(Boolean);
  if (first === 'pm-oauth2') return words.slice(1);
  if (first === 'node' && second === 'bin/pm-oauth2.js') return words.slice(2);
  if (first === 'npm' && second === 'run' && third) {
    const passed = rest[0] === '--' ? rest.slice(1) : rest;
    const body = scripts[third] ?? packageScripts('collections')[third];
    // The last command of the script, when it is pm-oauth2's: npm appends the arguments to it.
    const last = body?.split('&&').at(-1)?.trim().split(/\s+/) ?? [];
    const ours = pmOAuth2Args(last, {});
    return ours ? [...ours, ...passed] : undefined;
  }
  return undefined;
}

async function commandsInDocs(): Promise<Shown[]> {
  const files = ['README.md', ...(await markdownUnder('docs'))];
  const out: Shown[] = [];
  for (const file of files) {
    const text = await readFile(file, 'utf8');
    for (const block of text.matchAll(/^```(\w*)\n([\s\S]*?)^```/gm)) {
      const [, language = '', body = ''] = block;
      const line = text.slice(0, block.index).split('\n').length;
      if (['sh', 'bash', 'shell'].includes(language)) out.push(...shellCommands(body, `${file}:${line}`));
      // CI files: the commands their steps run.
      if (language === 'yaml')
        for (const [, command = ''] of body.matchAll(/^\s*(?:- )?(?:run: )?((?:npx|npm) .*)$/gm))
          out.push(...shellCommands(command, `${file}:${line}`));
    }
  }
  return out;
}

/** GitHub's anchors: lower case, punctuation but - and _ dropped, spaces as -. */
function headingSlugs(markdown: string): Set<string> {
  return new Set(
    [...withoutCodeBlocks(markdown).matchAll(/^#{1,6} (.*)$/gm)].map(([, heading = '']) =>
      heading
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s_-]/gu, '')
        .replace(/\s/g, '-'),
    ),
  );
}

function withoutCodeBlocks(markdown: string): string {
  return markdown.replace(/^```[\s\S]*?^```/gm, '');
}

async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() ?? false;
}

async function markdownUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile() && e.name.endsWith('.md')).map((e) => join(e.parentPath, e.name));
}

/** Each command of a shell snippet, as words: continuations joined, comments and variable assignments dropped. */
function shellCommands(body: string, where: string): Shown[] {
  const out: Shown[] = [];
  for (const line of body.replace(/\\\n\s*/g, ' ').split('\n')) {
    for (const part of withoutComment(line).split(/\s*(?:&&|\|\|?|;)\s*/)) {
      const words = shellWords(part);
      while (words.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0] ?? '')) words.shift();
      if (words.length) out.push({ where, words });
    }
  }
  return out;
}

function withoutComment(line: string): string {
  let quote = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) quote = c === quote ? '' : quote;
    else if (c === '"' || c === "'") quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(line[i - 1] ?? ''))) return line.slice(0, i);
  }
  return line;
}

function shellWords(text: string): string[] {
  return [...text.matchAll(/"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3] ?? '');
}

// Where the docs' commands can run on this machine, they run: the README's plain-newman block, line
// by line as written, against the local servers it starts.
describe("the README's plain newman block, run as written", function () {
  this.timeout(120_000);
  let work: string;
  let stack: LocalStack | undefined;

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'pm-oauth2-readme-'));
    for (const entry of ['collections', 'environments', 'pm-oauth2.config.json'])
      await cp(entry, join(work, entry), { recursive: true });
  });
  after(async () => {
    await stack?.close();
    await rm(work, { recursive: true, force: true });
  });

  it('starts the servers, builds, and plain newman passes every test of the built collection', async () => {
    const readme = await readFile('README.md', 'utf8');
    const section = readme.slice(readme.indexOf('### 2. In plain `newman`'));
    const block = /^```sh\n([\s\S]*?)^```/m.exec(section)?.[1] ?? '';
    const commands = shellCommands(block, 'README.md').map((c) => c.words);
    assert.deepEqual(
      commands.map((words) => words.slice(0, 2).join(' ')),
      ['npm run', 'npx pm-oauth2', 'newman run'],
      'the block this test runs has changed: update the test with it',
    );
    const [, build = [], newmanLine = []] = commands;
    // npm run servers, in its other terminal: the same servers, on the ports the local environment names.
    const { startLocalStack } = await import('../../src/servers/local-stack.js');
    stack = await startLocalStack({ exact: true });
    const built = await runProcess(process.execPath, [BIN, ...build.slice(2)], { cwd: work });
    assert.equal(built.code, 0, built.stderr);
    const ran = await runProcess(process.execPath, [NEWMAN, ...newmanLine.slice(1)], { cwd: work });
    assert.equal(ran.code, 0, ran.stdout + ran.stderr);
    assert.match(ran.stdout, /assertions\s+│\s+\d+\s+│\s+0\s+│/);
  });
});
