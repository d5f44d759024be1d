import assert from 'node:assert/strict';
import { assignUnits, balance } from '../../src/runner/shard/assign.js';
import { parseShard, shardFrom } from '../../src/runner/shard/shard-option.js';
import { keptWholeBecause, unitsOf, type ShardUnit } from '../../src/runner/shard/units.js';
import { completenessProblems, type ShardReports } from '../../src/runner/merge/shard-set.js';
import { mergeJsonReports, type NewmanJsonReport } from '../../src/runner/merge/merge-json.js';
import { MANIFEST_FORMAT, type ShardManifest } from '../../src/runner/shard/manifest.js';
import { collectionRuns } from '../../src/runner/shard/job-runs.js';
import type { Collection } from '../../src/generator/collection-types.js';
import { checkBuildConfig } from '../../src/generator/build-config.js';

const request = (name: string) => ({ name, request: { url: `https://api.test/${name}` } });
const folder = (name: string, size: number, script?: string) => ({
  name,
  item: Array.from({ length: size }, (_, i) => request(`${name}-${i}`)),
  ...(script ? { event: [{ listen: 'test', script: { exec: [script] } }] } : {}),
});
const collection = (items: object[], event: object[] = []): Collection => ({
  info: { name: 'c' },
  item: items as Collection['item'],
  event: event as NonNullable<Collection['event']>,
});
const split = { rows: undefined, folderSelected: false };

describe('shards: the units and who runs them', () => {
  it('reads i/n, and ci from CI_NODE_INDEX/CI_NODE_TOTAL only when asked', () => {
    assert.deepEqual(parseShard('2/4'), { index: 2, total: 4 });
    for (const bad of ['0/4', '5/4', '4', 'a/b', '1/0', '1/999'])
      assert.throws(() => parseShard(bad), /--shard takes i\/n/);
    assert.equal(shardFrom(undefined, { CI_NODE_INDEX: '2', CI_NODE_TOTAL: '3' }), undefined);
    assert.deepEqual(shardFrom('ci', { CI_NODE_INDEX: '2', CI_NODE_TOTAL: '3' }), { index: 2, total: 3 });
    assert.throws(() => shardFrom('ci', { CI_NODE_TOTAL: '3' }), /CI_NODE_INDEX is not set/);
  });

  it('splits a collection of folders into its folders, and keeps the others whole, saying why', () => {
    const folders = { stem: 'a', collection: collection([folder('F1', 2), folder('F2', 3)]), pinned: false };
    assert.deepEqual(
      unitsOf([folders], split).map((u) => [u.id, u.requests]),
      [
        ['a/F1', 2],
        ['a/F2', 3],
      ],
    );
    const cases: Array<[string, Collection, boolean, RegExp]> = [
      ['pinned', collection([folder('F1', 1), folder('F2', 1)]), true, /pinned/],
      ['loose requests', collection([folder('F1', 1), request('r')]), false, /requests outside folders/],
      ['same names', collection([folder('F', 1), folder('F', 1)]), false, /same name/],
      [
        'setNextRequest',
        collection([folder('F1', 1), folder('F2', 1, 'postman.setNextRequest("x")')]),
        false,
        /setNextRequest/,
      ],
    ];
    for (const [what, c, pinned, why] of cases) {
      const target = { stem: 's', collection: c, pinned };
      assert.match(keptWholeBecause(target, split) ?? '', why, what);
      assert.deepEqual(
        unitsOf([target], split).map((u) => u.id),
        ['s'],
        what,
      );
    }
    // pm-oauth2's own after-response script replays a request with setNextRequest: no reason to keep whole.
    const ours = collection(
      [folder('F1', 1), folder('F2', 1)],
      [{ listen: 'test', script: { id: 'pm-oauth2-test', exec: ['pm.execution.setNextRequest(pm.info.requestId)'] } }],
    );
    assert.equal(keptWholeBecause({ stem: 's', collection: ours, pinned: false }, split), undefined);
  });

  it('reads shard.keepWhole from pm-oauth2.config.json, and refuses any other shape', () => {
    assert.deepEqual(checkBuildConfig({ shard: { keepWhole: ['Orders API'] } }, 'c.json').shard, {
      keepWhole: ['Orders API'],
    });
    for (const bad of [{ keepWhole: 'Orders' }, { keepWhole: [''] }, { whole: [] }, []]) {
      assert.throws(() => checkBuildConfig({ shard: bad }, 'c.json'), /c\.json:\n {2}- shard must be \{"keepWhole"/);
    }
  });

  it('makes each data row a unit, and one Newman run per collection with its rows', () => {
    const units = unitsOf([{ stem: 'a', collection: collection([folder('F1', 2)]), pinned: true }], {
      rows: 3,
      folderSelected: false,
    });
    assert.deepEqual(
      units.map((u) => u.id),
      ['a#1', 'a#2', 'a#3'],
    );
    const [run] = collectionRuns([units[0], units[2]] as ShardUnit[], [{ n: 1 }, { n: 2 }, { n: 3 }]);
    assert.deepEqual(run?.newmanOptions, { iterationData: [{ n: 1 }, { n: 3 }] });
    assert.deepEqual(run?.rows, [0, 2]);
  });

  it('assigns every unit to exactly one of n jobs, the same way every time, for n = 1…7', () => {
    const units = unitsOf(
      [0, 1, 2].map((c) => ({
        stem: `c${c}`,
        collection: collection([1, 2, 3, 4, 5].map((f) => folder(`F${f}`, ((c + f) % 4) + 1))),
        pinned: false,
      })),
      split,
    );
    for (let n = 1; n <= 7; n++) {
      const jobs = assignUnits(units, n);
      assert.deepEqual(assignUnits([...units], n), jobs, `n=${n}: deterministic`);
      const ids = jobs
        .flat()
        .map((u) => u.id)
        .sort();
      assert.deepEqual(ids, units.map((u) => u.id).sort(), `n=${n}: complete and disjoint`);
      for (const job of jobs)
        assert.deepEqual(
          job,
          [...job].sort((a, b) => units.indexOf(a) - units.indexOf(b)),
          'serial order inside a job',
        );
    }
  });

  it('balances by measured time when it has timings (longest first), by request count without', () => {
    const units: ShardUnit[] = ['a', 'b', 'c', 'd'].map((id) => ({ id, collection: 0, folder: id, requests: 10 }));
    // Equal counts, but a takes as long as the other three together: it gets a job to itself.
    const timings = new Map([
      ['a', 900],
      ['b', 300],
      ['c', 300],
      ['d', 300],
    ]);
    const jobs = assignUnits(units, 2, timings);
    assert.deepEqual(
      jobs.map((j) => j.map((u) => u.id)),
      [['a'], ['b', 'c', 'd']],
    );
    assert.equal(
      balance(jobs, (u) => timings.get(u.id) ?? 0),
      1,
    );
    assert.deepEqual(
      assignUnits(units, 2).map((j) => j.map((u) => u.id)),
      [
        ['a', 'c'],
        ['b', 'd'],
      ],
    );
  });

  it('keeps a collection in one job where the balance allows: each collection a job touches is a Newman run it pays for', () => {
    // Eight equal collections of five folders over four jobs: two whole collections each, not a folder of every one.
    const units = unitsOf(
      Array.from({ length: 8 }, (_, c) => ({
        stem: `c${c}`,
        collection: collection([1, 2, 3, 4, 5].map((f) => folder(`F${f}`, 10))),
        pinned: false,
      })),
      split,
    );
    const jobs = assignUnits(units, 4);
    assert.deepEqual(
      jobs.map((job) => new Set(job.map((u) => u.collection)).size),
      [2, 2, 2, 2],
    );
    assert.deepEqual(
      jobs.map((job) => job.length),
      [10, 10, 10, 10],
    );
  });
});

describe('merge-reports: complete shards, one run', () => {
  const manifest = (index: number, total: number, assigned: string[], plan = 'p'): ShardReports => ({
    dir: `/r/s${index}`,
    manifest: {
      format: MANIFEST_FORMAT,
      shard: { index, total },
      plan,
      units: ['a', 'b', 'c'],
      assigned,
      ran: assigned.map((id) => ({ id, ms: 1, requests: 1 })),
      collections: [],
      requests: 1,
      tokenRequests: 1,
      failures: [],
    } satisfies ShardManifest,
  });

  it('names a missing shard, a shard there twice, another split, and a unit run twice or never', () => {
    assert.deepEqual(completenessProblems([manifest(1, 2, ['a', 'b', 'c']), manifest(2, 2, [])]), []);
    assert.match(
      completenessProblems([manifest(1, 3, ['a']), manifest(3, 3, ['c'])]).join('\n'),
      /shard 2\/3 is missing/,
    );
    assert.match(
      completenessProblems([manifest(1, 2, ['a', 'b']), manifest(2, 2, ['c']), manifest(2, 2, ['c'])]).join('\n'),
      /shard 2\/2 is there 2 times/,
    );
    assert.match(
      completenessProblems([manifest(1, 2, ['a', 'b']), manifest(2, 2, ['c'], 'other')]).join('\n'),
      /another split/,
    );
    const problems = completenessProblems([manifest(1, 2, ['a', 'b']), manifest(2, 2, ['b'])]).join('\n');
    assert.match(problems, /b was in the shares of shards 1 and 2/);
    assert.match(problems, /c was in no shard's share/);
  });

  it('puts executions back in serial order, on their data rows, and adds the counts up', () => {
    const stat = (total: number) => ({ total, pending: 0, failed: 0 });
    const report = (executions: Array<[number, string]>): NewmanJsonReport => ({
      collection: { item: [{ id: 'x' }, { id: 'y' }] },
      run: {
        stats: { iterations: stat(2), requests: stat(executions.length) },
        timings: { started: 5, completed: 9 },
        executions: executions.map(([iteration, id]) => ({ cursor: { iteration }, item: { id } })),
        transfers: { responseTotal: 1 },
        failures: [],
        error: null,
      },
    });
    // Shard 1 ran rows 1 and 3 (0-based 0, 2) as its iterations 0 and 1; shard 2 ran row 2.
    const merged = mergeJsonReports([
      {
        report: report([
          [0, 'x'],
          [0, 'y'],
          [1, 'x'],
          [1, 'y'],
        ]),
        rows: [0, 2],
      },
      {
        report: report([
          [0, 'x'],
          [0, 'y'],
        ]),
        rows: [1],
      },
    ]);
    assert.deepEqual(
      merged.run.executions.map((e) => `${e.cursor?.iteration}${e.item?.id}`),
      ['0x', '0y', '1x', '1y', '2x', '2y'],
    );
    assert.deepEqual(merged.run.stats['requests'], stat(6));
  });
});
