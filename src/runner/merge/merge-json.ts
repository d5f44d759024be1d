// One collection's Newman JSON report from its shards' reports: executions and failures put back in
// the order a serial run makes them (iteration, then the item's place in the collection), the
// counts added up. Data-row shards ran their rows as iterations 0…k: each is put back on its row.

interface Cursor {
  iteration?: number;
  [field: string]: unknown;
}

interface Execution {
  cursor?: Cursor;
  item?: { id?: string };
  response?: { responseTime?: number };
  [field: string]: unknown;
}

interface Failure {
  cursor?: Cursor;
  source?: { id?: string };
  [field: string]: unknown;
}

type Stat = { total: number; pending: number; failed: number };

export interface NewmanJsonReport {
  collection: { item?: unknown[]; [field: string]: unknown };
  environment?: unknown;
  globals?: unknown;
  run: {
    stats: Record<string, Stat>;
    timings: Record<string, number>;
    executions: Execution[];
    transfers: { responseTotal?: number };
    failures: Failure[];
    error: unknown;
  };
}

export interface ShardReport {
  readonly report: NewmanJsonReport;
  /** Iteration i of this report ran data row rows[i]. */
  readonly rows: readonly number[] | null;
}

export function mergeJsonReports(parts: readonly ShardReport[]): NewmanJsonReport {
  const [first] = parts;
  if (!first) throw new Error('mergeJsonReports needs at least one report');
  const position = itemPositions(first.report.collection.item ?? []);
  const place = (iteration: number | undefined, id: string | undefined) => [
    iteration ?? 0,
    position.get(id ?? '') ?? Number.MAX_SAFE_INTEGER,
  ];
  const executions = parts.flatMap((p) => p.report.run.executions.map((e) => onRow(e, p.rows)));
  const failures = parts.flatMap((p) => p.report.run.failures.map((f) => onRow(f, p.rows)));
  const byPlace =
    <T>(key: (x: T) => number[]) =>
    (a: T, b: T) =>
      compare(key(a), key(b));
  executions.sort(byPlace((e: Execution) => place(e.cursor?.iteration, e.item?.id)));
  failures.sort(byPlace((f: Failure) => place(f.cursor?.iteration, f.source?.id)));
  const rowsSplit = parts.some((p) => p.rows);
  return {
    ...first.report,
    run: {
      stats: addStats(
        parts.map((p) => p.report.run.stats),
        rowsSplit,
      ),
      timings: mergeTimings(
        parts.map((p) => p.report.run.timings),
        executions,
      ),
      executions,
      transfers: { responseTotal: parts.reduce((n, p) => n + (p.report.run.transfers?.responseTotal ?? 0), 0) },
      failures,
      error: parts.map((p) => p.report.run.error).find((e) => e) ?? null,
    },
  };
}

/** Each item's place in a depth-first walk of the collection: the order a serial run reaches them. */
function itemPositions(items: readonly unknown[]): Map<string, number> {
  const positions = new Map<string, number>();
  const walk = (list: readonly unknown[]) => {
    for (const item of list as Array<{ id?: string; item?: unknown[] }>) {
      if (typeof item?.id === 'string') positions.set(item.id, positions.size);
      if (Array.isArray(item?.item)) walk(item.item);
    }
  };
  walk(items);
  return positions;
}

function onRow<T extends { cursor?: Cursor }>(entry: T, rows: readonly number[] | null): T {
  if (!rows || !entry.cursor) return entry;
  const row = rows[entry.cursor.iteration ?? 0];
  return row === undefined ? entry : { ...entry, cursor: { ...entry.cursor, iteration: row } };
}

function compare(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) - (b[i] ?? 0);
  return 0;
}

/** Counts add up; iterations too when the rows were split, else every shard ran the same ones. */
function addStats(all: ReadonlyArray<Record<string, Stat>>, rowsSplit: boolean): Record<string, Stat> {
  const out: Record<string, Stat> = {};
  for (const stats of all) {
    for (const [name, stat] of Object.entries(stats)) {
      const sum = out[name] ?? { total: 0, pending: 0, failed: 0 };
      const add = name !== 'iterations' || rowsSplit;
      out[name] = add
        ? { total: sum.total + stat.total, pending: sum.pending + stat.pending, failed: sum.failed + stat.failed }
        : {
            total: Math.max(sum.total, stat.total),
            pending: Math.max(sum.pending, stat.pending),
            failed: Math.max(sum.failed, stat.failed),
          };
    }
  }
  return out;
}

function mergeTimings(
  all: ReadonlyArray<Record<string, number>>,
  executions: readonly Execution[],
): Record<string, number> {
  const times = executions.map((e) => e.response?.responseTime).filter((t): t is number => typeof t === 'number');
  const mean = times.length ? times.reduce((a, b) => a + b, 0) / times.length : 0;
  const sd = times.length ? Math.sqrt(times.reduce((n, t) => n + (t - mean) ** 2, 0) / times.length) : 0;
  return {
    ...all[0],
    responseAverage: mean,
    responseMin: times.length ? Math.min(...times) : 0,
    responseMax: times.length ? Math.max(...times) : 0,
    responseSd: sd,
    started: Math.min(...all.map((t) => t['started'] ?? Infinity)),
    completed: Math.max(...all.map((t) => t['completed'] ?? 0)),
  };
}
