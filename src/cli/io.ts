import type { Readable, Writable } from 'node:stream';

/** The process's streams and environment, injected so tests can call `main` directly. */
export interface CliIo {
  readonly stdin: Readable & { isTTY?: boolean };
  readonly stdout: Writable & { isTTY?: boolean };
  readonly stderr: Writable;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** Exit codes; the README and --help list them. */
export const EXIT = {
  /** Success, nothing found (scan) or nothing wrong. */
  ok: 0,
  /** scan found rejections / audit found risky credentials / doctor found a problem. */
  found: 1,
  /** Wrong usage or an invalid configuration. */
  usage: 2,
  /** Some input could not be read (the rest was processed). */
  partial: 3,
  /** The database or another required resource failed. */
  failure: 4,
} as const;

export interface CliContext {
  readonly io: CliIo;
  /** Keeps the worst exit code asked for. */
  exit(code: number): void;
}

export const write = (stream: Writable, text: string): void => {
  stream.write(text.endsWith('\n') ? text : `${text}\n`);
};
