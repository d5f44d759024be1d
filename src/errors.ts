import { CodedError } from './oauth/errors.js';

/** Stable codes of the Node side (generator, runner, CLI): users and CI scripts match on them. */
export type ErrorCode =
  | 'USAGE'
  | 'INPUT_UNREADABLE'
  | 'INPUT_NOT_JSON'
  | 'INPUT_NOT_COLLECTION'
  | 'INPUT_POSTMAN_V1'
  | 'INPUT_OPENAPI_INVALID'
  | 'OPENAPI_CONVERTER_MISSING'
  | 'SCRIPT_NOT_BUILT'
  | 'OUTPUT_WRITE_FAILED'
  | 'CONFIG_INVALID'
  | 'ENVIRONMENT_INVALID';

/**
 * An expected failure of the Node side, with a message that names the file or setting and the fix.
 * The CLI's one error boundary prints these plainly; anything else is a bug and is reported as one.
 */
export class PmOAuth2Error extends CodedError<ErrorCode> {
  static override readonly brand: string = 'pm-oauth2.PmOAuth2Error';

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'PmOAuth2Error';
  }
}
