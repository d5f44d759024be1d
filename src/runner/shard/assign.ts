// Which units each of n jobs runs: deterministic (the same inputs give every job the same answer,
// with no coordination between them), disjoint and complete by construction. Longest first, each
// to the least loaded job, as Playwright and Jest balance shards by duration.
import type { ShardUnit } from './units.js';

/** Measured milliseconds per unit id, from an earlier run's manifests (timings.ts). */
export type UnitTimings = ReadonlyMap<string, number>;

/**
 * The units of each job, in the order a serial run would reach them. Costs are measured times
 * where known; a unit without one is estimated from its requests at the measured rate (or, with
 * no timings at all, costs its request count).
 */
export function assignUnits(units: readonly ShardUnit[], total: number, timings: UnitTimings = new Map()): ShardUnit[][] {
  const cost = costOf(units, timings);
  const order = units.map((unit, position) => ({ unit, position, cost: cost(unit) }));
  order.sort((a, b) => b.cost - a.cost || a.position - b.position);
  const loads = Array.from({ length: total }, () => 0);
  const jobs: Array<Array<{ unit: ShardUnit; position: number }>> = Array.from({ length: total }, () => []);
  for (const entry of order) {
    const job = loads.indexOf(Math.min(...loads));
    loads[job] = (loads[job] ?? 0) + entry.cost;
    jobs[job]?.push(entry);
  }
  return jobs.map((job) => job.sort((a, b) => a.position - b.position).map((e) => e.unit));
}

function costOf(units: readonly ShardUnit[], timings: UnitTimings): (unit: ShardUnit) => number {
  const timed = units.filter((u) => timings.has(u.id));
  const requests = timed.reduce((n, u) => n + u.requests, 0);
  const ms = timed.reduce((n, u) => n + (timings.get(u.id) ?? 0), 0);
  const msPerRequest = requests && ms ? ms / requests : 1;
  return (unit) => timings.get(unit.id) ?? unit.requests * msPerRequest;
}

/** The balance of an assignment: the longest job over the mean (1 is perfect). */
export function balance(jobs: readonly ShardUnit[][], cost: (unit: ShardUnit) => number): number {
  const loads = jobs.map((units) => units.reduce((n, u) => n + cost(u), 0));
  const mean = loads.reduce((a, b) => a + b, 0) / (loads.length || 1);
  return mean ? Math.max(...loads) / mean : 1;
}
