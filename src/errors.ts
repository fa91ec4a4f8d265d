/** Stable error codes; the README's error table lists each with what to do. */
export const ERROR_CODES = [
  'CONFIG_INVALID',
  'CONFIG_UNREADABLE',
  'USAGE',
  'STORE_OPEN',
  'STORE_WRITE',
  'STORE_SCHEMA_NEWER',
  'SOURCE_FAILED',
  'DELIVERY_FAILED',
  'UNKNOWN_KIND',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export class AuthwatchError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  constructor(code: ErrorCode, message: string, opts: { cause?: unknown; retryable?: boolean } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.code = code;
    this.retryable = opts.retryable ?? false;
  }
}

export class ConfigError extends AuthwatchError {
  /** Every problem found, each naming the key: collected so they are printed together. */
  readonly problems: readonly string[];
  constructor(problems: readonly string[], file?: string) {
    super(
      'CONFIG_INVALID',
      `${file ? `${file}: ` : ''}invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    this.problems = problems;
  }
}

export class StoreError extends AuthwatchError {}

export class UsageError extends AuthwatchError {
  constructor(message: string) {
    super('USAGE', message);
  }
}

export const errorMessage = (err: unknown): string => (err instanceof Error ? err.message : String(err));
