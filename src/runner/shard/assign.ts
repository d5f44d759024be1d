// Which units each of n jobs runs: deterministic (the same inputs give every job the same answer,
// with no coordination between them), disjoint and complete by construction. Longest first, each
// to the least loaded job, as Playwright and Jest balance shards by duration.
import type { ShardUnit } from './units.js';

/** Measured milliseconds per unit id, from an earlier run's manifests (timings.ts). */
export type UnitTimings = ReadonlyMap<string, number>;

/**
 * What a job pays for each collection it touches, beyond its requests: a Newman run of its own
 * (the collection read, a sandbox started, the reporters), about 190 ms on a 2-core machine, or 20
 * requests' worth (measured with the scale-out benchmark). A share that touches every collection
 * pays it for all of them: collections are kept together where the balance allows.
 */
export const RUN_OVERHEAD_REQUESTS = 20;

/**
 * The units of each job, in the order a serial run would reach them. Costs are measured times
 * where known; a unit without one is estimated from its requests at the measured rate (or, with
 * no timings at all, costs its request count). Whole collections are dealt first, longest first,
 * to the least loaded job while they fit in an even share; the units of the others, longest first,
 * to the job where they finish earliest, counting the run a collection new to that job costs.
 */
export function assignUnits(
  units: readonly ShardUnit[],
  total: number,
  timings: UnitTimings = new Map(),
): ShardUnit[][] {
  const { cost, overhead } = costOf(units, timings);
  const entries = units.map((unit, position) => ({ unit, position, cost: cost(unit) }));
  const groups = [...new Set(units.map((u) => u.collection))].map((collection) => {
    const members = entries.filter((e) => e.unit.collection === collection);
    return { collection, members, cost: members.reduce((n, e) => n + e.cost, 0) + overhead };
  });
  const share = groups.reduce((n, g) => n + g.cost, 0) / total;
  const loads = Array.from({ length: total }, () => 0);
  const jobs: Array<typeof entries> = Array.from({ length: total }, () => []);
  const touched = Array.from({ length: total }, () => new Set<number>());
  const leftovers: typeof entries = [];
  for (const group of [...groups].sort((a, b) => b.cost - a.cost || a.collection - b.collection)) {
    const job = leastLoaded(loads, () => 0);
    if ((loads[job] ?? 0) + group.cost > share * (1 + 1e-9)) {
      leftovers.push(...group.members);
      continue;
    }
    loads[job] = (loads[job] ?? 0) + group.cost;
    jobs[job]?.push(...group.members);
    touched[job]?.add(group.collection);
  }
  for (const entry of leftovers.sort((a, b) => b.cost - a.cost || a.position - b.position)) {
    const extra = (job: number) => entry.cost + (touched[job]?.has(entry.unit.collection) ? 0 : overhead);
    const job = leastLoaded(loads, extra);
    loads[job] = (loads[job] ?? 0) + extra(job);
    jobs[job]?.push(entry);
    touched[job]?.add(entry.unit.collection);
  }
  return jobs.map((job) => job.sort((a, b) => a.position - b.position).map((e) => e.unit));
}

/** The job where the next piece would finish first (the lowest index on a tie: every job decides alike). */
function leastLoaded(loads: readonly number[], extra: (job: number) => number): number {
  let best = 0;
  for (let job = 1; job < loads.length; job++)
    if ((loads[job] ?? 0) + extra(job) < (loads[best] ?? 0) + extra(best)) best = job;
  return best;
}

function costOf(
  units: readonly ShardUnit[],
  timings: UnitTimings,
): { cost: (unit: ShardUnit) => number; overhead: number } {
  const timed = units.filter((u) => timings.has(u.id));
  const requests = timed.reduce((n, u) => n + u.requests, 0);
  const ms = timed.reduce((n, u) => n + (timings.get(u.id) ?? 0), 0);
  const msPerRequest = requests && ms ? ms / requests : 1;
  return {
    cost: (unit) => timings.get(unit.id) ?? unit.requests * msPerRequest,
    overhead: RUN_OVERHEAD_REQUESTS * msPerRequest,
  };
}

/** The balance of an assignment: the longest job over the mean (1 is perfect). */
export function balance(jobs: readonly ShardUnit[][], cost: (unit: ShardUnit) => number): number {
  const loads = jobs.map((units) => units.reduce((n, u) => n + cost(u), 0));
  const mean = loads.reduce((a, b) => a + b, 0) / (loads.length || 1);
  return mean ? Math.max(...loads) / mean : 1;
}
