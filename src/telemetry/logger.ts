import { pino, type Logger, type LevelWithSilent } from 'pino';
import pretty from 'pino-pretty';
import type { Writable } from 'node:stream';
import type { Log } from '../contracts.js';

export interface LoggerOptions {
  readonly level: LevelWithSilent;
  /** Human-readable lines; default when the destination is a terminal. */
  readonly pretty: boolean;
  readonly destination: Writable;
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

/** The daemon's own log: pino, JSON lines by default, secrets censored by path. */
export function createLogger(opts: LoggerOptions): Logger & Log {
  const base = { level: opts.level, base: { name: 'authwatch' }, redact: { paths: REDACT_PATHS, censor: '[REDACTED]' } };
  if (opts.pretty) return pino(base, pretty({ destination: opts.destination, colorize: false, sync: true, translateTime: 'SYS:standard' }));
  return pino(base, opts.destination);
}

/** A logger that drops everything, for library use and tests. */
export const silentLog = (): Log => pino({ level: 'silent' });
