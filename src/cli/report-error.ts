// What a user sees of an error, and the exit status it means: the CLI's error boundary (main.ts)
// and a --parallel job's own share (commands/run.ts) report alike.
import { CodedError, isOAuthError } from '../oauth/errors.js';
import type { Terminal } from '../terminal.js';
import { EXIT } from './exit-codes.js';

/** Errors thrown before anything ran: the command line, the configuration or an input cannot be used. */
const NOTHING_RAN = new Set<string>([
  'USAGE',
  'CONFIG_INVALID',
  'CONFIG_MISSING',
  'ENVIRONMENT_INVALID',
  'SCRIPT_NOT_BUILT',
]);

/** Any expected failure, of the Node side or of the token logic, is printed plainly with its code (and advice). */
export function reportError(error: unknown, terminal: Terminal): number {
  if (error instanceof CodedError) {
    const advice = isOAuthError(error) && error.advice ? ` — ${error.advice}` : '';
    terminal.err(`error [${error.code}]: ${error.message}${advice}`);
    return NOTHING_RAN.has(error.code) || error.code.startsWith('INPUT_') ? EXIT.usage : EXIT.failures;
  }
  terminal.err(
    `internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\nThis is a bug in pm-oauth2: please report it with the command you ran.`,
  );
  return EXIT.internal;
}
