// Which part of the work this job runs: `--shard i/n`, or the CI's own numbering (GitLab's
// `parallel:` sets CI_NODE_INDEX and CI_NODE_TOTAL, 1-based, as --shard is).
import { PmOAuth2Error } from '../../errors.js';

export interface Shard {
  /** 1-based, as in Playwright's --shard=i/n and GitLab's CI_NODE_INDEX. */
  readonly index: number;
  readonly total: number;
}

/** The most jobs a suite is split over: more is a typo, not a plan. */
export const MAX_SHARDS = 256;

export function parseShard(text: string, where = '--shard'): Shard {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = Number(match?.[1]);
  const total = Number(match?.[2]);
  if (!match || total < 1 || total > MAX_SHARDS || index < 1 || index > total) {
    throw new PmOAuth2Error(
      'USAGE',
      `${where} takes i/n with 1 ≤ i ≤ n ≤ ${MAX_SHARDS} (e.g. 2/4: the second of four jobs), not "${text}"`,
    );
  }
  return { index, total };
}

/**
 * `--shard ci` reads the CI's numbering. Only when asked: GitLab sets CI_NODE_INDEX for
 * `parallel: matrix:` jobs too, and a matrix over environments must not split the suite silently.
 */
export const SHARD_FROM_CI = 'ci';

export function shardFrom(option: string | undefined, env: NodeJS.ProcessEnv): Shard | undefined {
  if (option === undefined) return undefined;
  if (option.trim().toLowerCase() !== SHARD_FROM_CI) return parseShard(option);
  const index = env['CI_NODE_INDEX'];
  const total = env['CI_NODE_TOTAL'];
  if (!index || !total) {
    throw new PmOAuth2Error(
      'USAGE',
      `--shard ci reads CI_NODE_INDEX and CI_NODE_TOTAL, and ${!index && !total ? 'neither is' : `${index ? 'CI_NODE_TOTAL' : 'CI_NODE_INDEX'} is not`} set — GitLab sets both for a job with parallel: n; elsewhere pass --shard i/n`,
    );
  }
  return parseShard(`${index}/${total}`, 'CI_NODE_INDEX/CI_NODE_TOTAL');
}

export function shardLabel(shard: Shard): string {
  return `${shard.index}/${shard.total}`;
}
