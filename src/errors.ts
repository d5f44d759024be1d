/** Stable codes of the Node side (generator, runner, CLI): users and CI scripts match on them. */
export type ErrorCode =
  | 'USAGE'
  | 'INPUT_UNREADABLE'
  | 'INPUT_NOT_JSON'
  | 'INPUT_NOT_COLLECTION'
  | 'INPUT_POSTMAN_V1'
  | 'INPUT_OPENAPI_INVALID'
  | 'SCRIPT_NOT_BUILT'
  | 'OUTPUT_WRITE_FAILED'
  | 'CONFIG_INVALID'
  | 'ENVIRONMENT_INVALID';

/**
 * An expected failure, with a message that names the file or setting and the fix. The CLI's one
 * error boundary prints these plainly; anything else is a bug and is reported as one.
 */
export class PmOAuth2Error extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PmOAuth2Error';
    this.code = code;
  }
}
