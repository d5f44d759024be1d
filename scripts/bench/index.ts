// `npm run bench`: the costs users pay, measured, printed, and written to docs/benchmarks.md.
// `--check` exits non-zero when a goal is missed. Not part of npm test: it takes minutes.
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { parseArgs } from 'node:util';
import { buildScript, buildWithoutSlowPathText, JWT_SCRIPT_PATH, SCRIPT_PATH } from '../build-script.js';
import { benchGenerator } from './generator.js';
import { benchHotPath } from './hot-path.js';
import { benchSandboxCost } from './sandbox-cost.js';
import { chart, markdown, type BenchResults } from './report.js';
import { benchSigning } from './signing.js';
import { benchDpop } from './dpop.js';
import { benchTokenRequests } from './token-requests.js';
import { benchPostResponse } from './post-response.js';
import { benchWholeProcess } from './whole-process.js';
import { benchScaleOut } from './scale-out.js';
import { scaleOutChecks, scaleOutMarkdown, sectionOf, withScaleOutSection, withSection } from './scale-out-report.js';
import { INSTALL_MARKERS, installMarkdown, measureInstall } from './install-size.js';
import { BUILT_MARKERS, benchBuiltCollection, builtCollectionMarkdown } from './built-collection.js';
import { INSTRUCTION_MARKERS, benchInstructions, instructionsMarkdown } from './instructions.js';

const { values } = parseArgs({
  options: {
    check: { type: 'boolean', default: false },
    requests: { type: 'string', default: '1000' },
    rounds: { type: 'string', default: '7' },
    only: { type: 'string' },
  },
});
const requests = Number(values.requests);
const rounds = Number(values.rounds);

const log = (line: string) => process.stderr.write(`${line}\n`);
await buildScript();
const scripts = { secret: await readFile(SCRIPT_PATH, 'utf8'), jwt: await readFile(JWT_SCRIPT_PATH, 'utf8') };
const scaleOutRounds = Math.min(rounds, 3);

const install = installMarkdown(await measureInstall());
if (values.only === 'built-collection') {
  const built = await benchBuiltCollection(scripts, 500, Math.max(rounds, 9));
  const section = builtCollectionMarkdown(built);
  const current = await readFile('docs/benchmarks.md', 'utf8').catch(() => '# Benchmarks\n');
  await writeFile('docs/benchmarks.md', withSection(current, BUILT_MARKERS, section));
  process.stdout.write(`${section}\n`);
  const ratio = built.newmanTimers.ratio.median;
  log(
    `${ratio <= 1.03 ? 'ok  ' : 'MISS'} built collection ≤ 1.03 × an empty script (plain newman): ${ratio.toFixed(3)}`,
  );
  if (values.check && ratio > 1.03) process.exitCode = 1;
  process.exit();
}
if (values.only === 'instructions') {
  log('instructions: 3 variants × 2 sizes under callgrind, two at a time (several minutes)…');
  const section = instructionsMarkdown(await benchInstructions(new URL('./instructions.ts', import.meta.url).pathname));
  const current = await readFile('docs/benchmarks.md', 'utf8').catch(() => '# Benchmarks\n');
  await writeFile('docs/benchmarks.md', withSection(current, INSTRUCTION_MARKERS, section));
  process.stdout.write(`${section}\n`);
  process.exit();
}
if (values.only === 'install') {
  const current = await readFile('docs/benchmarks.md', 'utf8').catch(() => '# Benchmarks\n');
  await writeFile('docs/benchmarks.md', withSection(current, INSTALL_MARKERS, install));
  process.stdout.write(`${install}\n`);
  process.exit();
}
if (values.only !== undefined) {
  if (values.only !== 'scale-out')
    throw new Error(`--only takes scale-out, built-collection, instructions or install, not ${values.only}`);
  log(`scale-out: serial, 4 shards × 2 balancings, --parallel 2, merge × ${scaleOutRounds} rounds…`);
  const scaleOut = await benchScaleOut(scripts, scaleOutRounds);
  const section = scaleOutMarkdown(scaleOut, scaleOutRounds);
  const current = await readFile('docs/benchmarks.md', 'utf8').catch(() => '# Benchmarks\n');
  await writeFile('docs/benchmarks.md', withScaleOutSection(current, section));
  process.stdout.write(`${section}\n`);
  const missed = scaleOutChecks(scaleOut).filter((c) => !c.ok);
  for (const check of scaleOutChecks(scaleOut)) log(`${check.ok ? 'ok  ' : 'MISS'} ${check.name}: ${check.detail}`);
  if (values.check && missed.length) process.exitCode = 1;
  process.exit();
}

const processRounds = Math.min(rounds, 3);
log(`whole process: ${requests} requests × 2 variants × ${processRounds} rounds, and start-up…`);
const wholeProcess = await benchWholeProcess(scripts, requests, processRounds);
log(`post-response: 300 requests × 3 variants × ${processRounds} rounds…`);
const postResponse = await benchPostResponse(scripts, 300, processRounds);
log(`hot path: ${requests} requests × 4 variants × ${rounds} rounds…`);
const hotPath = await benchHotPath(scripts.secret, requests, rounds);
log(`the script in the sandbox: 2000 executions × 4 variants × ${rounds} rounds…`);
const sandboxCost = await benchSandboxCost(scripts.secret, await buildWithoutSlowPathText(), 2000, rounds);
// The script's added time as a share of a Newman request with an empty script, (b).
const addedShare = sandboxCost.added.median / hotPath.perRequestMs.empty.median;
log('token requests per job…');
const tokens = await benchTokenRequests(scripts, 5, 20);
log('generator throughput…');
const generator = await benchGenerator([100, 1_000, 10_000, 50_000], 5, [2_000]);
const v20Upgrade = generator.find((p) => p.format === 'v2.0');
log('signing in the sandbox…');
const signing = await benchSigning(15);
const dpopRequests = Math.min(requests, 300);
log(`DPoP proofs: ${dpopRequests} requests × 3 variants × ${processRounds} rounds…`);
const dpop = await benchDpop(scripts.jwt, dpopRequests, processRounds);
log(`scale-out: serial, 4 shards × 2 balancings, --parallel 2, merge × ${scaleOutRounds} rounds…`);
const scaleOut = await benchScaleOut(scripts, scaleOutRounds);
log(`the built collection: 500 requests × 2 variants × 2 timer regimes × ${Math.max(rounds, 9)} rounds…`);
const builtCollection = await benchBuiltCollection(scripts, 500, Math.max(rounds, 9));
const sizes = [SCRIPT_PATH, JWT_SCRIPT_PATH]
  .map((file) => file)
  .map(async (file) => {
    const bytes = await readFile(file);
    return { file: file.slice(file.indexOf('dist/')), bytes: bytes.length, gzip: gzipSync(bytes).length };
  });

const scaling = generator.filter((p) => !p.format);
const tenThousand = scaling.find((p) => p.requests === 10_000);
const perRequest = scaling.map((p) => p.ms.median / p.requests);
const startupOf = (command: string) => wholeProcess.startup.find((s) => s.command === command)?.ms.median ?? Infinity;
const startupGap = startupOf('pm-oauth2 run (1 request)') - startupOf('newman run (1 request)');
const results: BenchResults = {
  hotPath,
  hotPathRequests: requests,
  rounds,
  sandboxCost,
  addedShare,
  tokens,
  generator,
  signing,
  dpop,
  dpopRequests,
  sizes: await Promise.all(sizes),
  wholeProcess,
  postResponse,
  checks: [
    {
      name: `pm-oauth2 run, whole process, ${requests} requests: ≤ 1.05 × newman run with a static token`,
      ok: wholeProcess.ratio.median <= 1.05,
      detail: `${wholeProcess.ratio.median.toFixed(3)} (${wholeProcess.pmOAuth2RunMs.median.toFixed(0)} ms against ${wholeProcess.newmanStaticMs.median.toFixed(0)} ms)`,
    },
    {
      name: 'the script with a cached token in plain Newman, one request run many times: ≤ 1.03 × an empty root pre-request script (for the built file, see the last check)',
      ok: hotPath.oursOverEmpty.median <= 1.03,
      detail: `c/b = ${hotPath.oursOverEmpty.median.toFixed(3)}`,
    },
    {
      name: 'pm-oauth2 run starts within 0.2 s of newman run',
      ok: startupGap <= 200,
      detail: `${startupGap.toFixed(0)} ms`,
    },
    {
      name: 'hot path: the script adds ≤ 2% to a request with an empty script (sandbox-measured added time ÷ (b))',
      ok: addedShare <= 0.02,
      detail: `${(addedShare * 100).toFixed(1)}% (${sandboxCost.added.median.toFixed(3)} ms of ${hotPath.perRequestMs.empty.median.toFixed(3)} ms); end to end, c/b = ${hotPath.oursOverEmpty.median.toFixed(3)}`,
    },
    {
      name: 'one token request per job',
      ok: tokens.shared === 1,
      detail: `${tokens.shared} (baseline ${tokens.separate})`,
    },
    {
      name: '10,000 requests build in about a second (≤ 1.5 s)',
      ok: (tenThousand?.ms.median ?? Infinity) <= 1500,
      detail: `${tenThousand?.ms.median.toFixed(0)} ms`,
    },
    {
      name: 'a 2,000-request v2.0 export upgrades and builds well under the 10,000-request goal (≤ 0.5 s)',
      ok: (v20Upgrade?.ms.median ?? Infinity) <= 500,
      detail: `${v20Upgrade?.ms.median.toFixed(0)} ms`,
    },
    {
      name: 'generator grows linearly (per-request cost at 50,000 ≤ 2 × at 1,000)',
      ok: (perRequest[3] ?? 0) <= 2 * (perRequest[1] ?? 0),
      detail: perRequest.map((v) => `${(v * 1000).toFixed(1)} ms/1k`).join(', '),
    },
    { name: 'RS256 signing < 50 ms', ok: signing.rs256.median < 50, detail: `${signing.rs256.median} ms` },
    { name: 'PS256 signing < 50 ms', ok: signing.ps256.median < 50, detail: `${signing.ps256.median} ms` },
    { name: 'ES256 signing < 50 ms', ok: signing.es256.median < 50, detail: `${signing.es256.median} ms` },
    ...scaleOutChecks(scaleOut),
    {
      name: 'the built collection, as users run it, costs ≤ 1.03 × an empty script (plain newman)',
      ok: builtCollection.newmanTimers.ratio.median <= 1.03,
      detail: `${builtCollection.newmanTimers.ratio.median.toFixed(3)} (CPU-bound, immediate timers: ${builtCollection.immediateTimers.ratio.median.toFixed(3)})`,
    },
    {
      name: 'a DPoP proof (ES256) in the sandbox adds under 5 ms per request',
      ok: dpop.addedMs.es256.median < 5,
      detail: `${dpop.addedMs.es256.median.toFixed(2)} ms (in Node: ${dpop.nodeProofMs.median.toFixed(3)} ms)`,
    },
  ],
};

const text = withSection(
  withSection(
    withScaleOutSection(markdown(results), scaleOutMarkdown(scaleOut, scaleOutRounds)),
    BUILT_MARKERS,
    builtCollectionMarkdown(builtCollection),
  ),
  INSTALL_MARKERS,
  install,
);
// The instruction counts take valgrind and minutes (--only instructions): a full run keeps the last ones.
const counted = sectionOf(await readFile('docs/benchmarks.md', 'utf8').catch(() => ''), INSTRUCTION_MARKERS);
const document = counted ? withSection(text, INSTRUCTION_MARKERS, counted) : text;
await mkdir('docs', { recursive: true });
await writeFile('docs/benchmarks.md', document);
await writeFile('docs/benchmarks.svg', chart(scaling));
process.stdout.write(document);
const failed = results.checks.filter((c) => !c.ok);
if (values.check && failed.length) {
  log(`\nbench --check: ${failed.length} goal(s) missed: ${failed.map((c) => c.name).join('; ')}`);
  process.exitCode = 1;
}
