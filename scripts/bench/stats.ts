export interface Figure {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

export function figure(samples: readonly number[]): Figure {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
  return { median, min: sorted[0] ?? 0, max: sorted[sorted.length - 1] ?? 0 };
}

export function show(f: Figure, unit: string, digits = 2): string {
  return `${f.median.toFixed(digits)} ${unit} (min ${f.min.toFixed(digits)}, max ${f.max.toFixed(digits)})`;
}
