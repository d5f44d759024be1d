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

const BRAND = Symbol.for('pm-oauth2.PmOAuth2Error');

/**
 * An expected failure, with a message that names the file or setting and the fix. The CLI's one
 * error boundary prints these plainly; anything else is a bug and is reported as one.
 */
export class PmOAuth2Error extends Error {
  readonly code: ErrorCode;

  /**
   * By brand, not by prototype: the module can be loaded twice in one process (commands load
   * lazily, and a CommonJS caller's copy differs from the ESM one), and an expected failure from
   * the other copy must not be reported as a bug.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PmOAuth2Error';
    this.code = code;
    Object.defineProperty(this, BRAND, { value: true });
  }
}
