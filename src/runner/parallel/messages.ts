// What a --parallel worker and its parent say to each other over the IPC channel. Tokens and the
// worker's configuration (its secret included) cross it: a pipe between two processes of the same
// job, never a file or a log.
import type { TokenConfig } from '../../oauth/config.js';
import type { OAuthErrorCode, OAuthErrorDetails } from '../../oauth/errors.js';
import type { IssuedToken } from '../../oauth/token-response.js';
import type { ShardManifest } from '../shard/manifest.js';

export type WorkerMessage =
  | {
      readonly type: 'ensure';
      readonly id: number;
      readonly fingerprint: string;
      readonly config: TokenConfig;
      readonly profile: string;
      readonly margin: number | undefined;
    }
  | { readonly type: 'drop'; readonly fingerprint: string; readonly accessToken: string; readonly replace: boolean }
  /** A report the worker made, redacted and checked, in place of writing it. */
  | { readonly type: 'report'; readonly file: string; readonly text: string }
  /** The worker's outcome: its shard manifest and the lines of its summary. */
  | { readonly type: 'done'; readonly manifest: ShardManifest; readonly failures: readonly string[] };

export interface SentError {
  readonly message: string;
  readonly code?: OAuthErrorCode;
  readonly advice?: string;
  readonly details?: OAuthErrorDetails;
}

export type ParentMessage =
  | { readonly type: 'token'; readonly id: number; readonly token: IssuedToken; readonly replacement: boolean }
  | { readonly type: 'failed'; readonly id: number; readonly error: SentError };

/** Set in a worker's environment by its parent: the worker talks over IPC, and prints no summary of its own. */
export const WORKER_ENV = 'PM_OAUTH2_PARALLEL_WORKER';
