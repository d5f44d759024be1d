import { runProcess, type ProcessOptions, type ProcessResult } from './process.js';

export type CliResult = ProcessResult;

const BIN = new URL('../../bin/pm-oauth2.js', import.meta.url).pathname;

/** Runs the built binary, as a user or a CI job would. */
export function runCli(args: readonly string[], options: ProcessOptions = {}): Promise<CliResult> {
  return runProcess(process.execPath, [BIN, ...args], options);
}

/** The machine's proxy settings unset, so a run sends nothing through a proxy it did not ask for. */
export const WITHOUT_PROXY: NodeJS.ProcessEnv = {
  HTTP_PROXY: undefined,
  HTTPS_PROXY: undefined,
  http_proxy: undefined,
  https_proxy: undefined,
  ALL_PROXY: undefined,
  all_proxy: undefined,
};
