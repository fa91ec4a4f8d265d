import { pino, type Logger, type LevelWithSilent } from 'pino';
import pretty from 'pino-pretty';
import type { Writable } from 'node:stream';
import type { Log } from '../contracts.js';
import { createScrubber, type Scrubber } from './scrub.js';

export interface LoggerOptions {
  readonly level: LevelWithSilent;
  /** Human-readable lines; default when the destination is a terminal. */
  readonly pretty: boolean;
  /** Where log lines go; the daemon uses stdout (see the README, "Operations", "Logs"). */
  readonly destination: Writable;
  /** Exact secret values (from the config) that must never be written. */
  readonly secrets?: readonly string[];
  /** Pattern redaction applied to every line after the exact values (e.g. SendGrid keys). */
  readonly scrub?: Scrubber;
}

/**
 * Field paths whose values are never written, wherever they appear in a log object: config
 * secrets (webhook URLs carry their token in the path, SMTP URLs their password).
 */
export const REDACT_PATHS = [
  'password',
  '*.password',
  'pass',
  '*.pass',
  'secret',
  '*.secret',
  'token',
  '*.token',
  'webhookUrl',
  '*.webhookUrl',
  'smtpUrl',
  '*.smtpUrl',
  'url',
  '*.url',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'sasl.password',
  '*.sasl.password',
];

/**
 * The daemon's own log: pino, JSON lines by default. Secrets are removed twice: by field path
 * (pino's redact) and, on the serialized line, by value and by pattern (the `streamWrite` hook),
 * so a secret quoted inside an error message does not slip through either.
 */
export function createLogger(opts: LoggerOptions): Logger & Log {
  const scrub = createScrubber(opts.secrets ?? [], opts.scrub);
  const base = {
    level: opts.level,
    base: { name: 'authwatch' },
    redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
    hooks: { streamWrite: scrub },
  };
  if (opts.pretty) return pino(base, pretty({ destination: opts.destination, colorize: false, sync: true, translateTime: 'SYS:standard' }));
  return pino(base, opts.destination);
}

/** A logger that drops everything, for library use and tests. */
export const silentLog = (): Log => pino({ level: 'silent' });
