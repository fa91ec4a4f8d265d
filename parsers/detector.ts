import type { Clock, Detector, DetectorOptions, StreamInit, StreamScanner } from '../src/contracts.js';
import { DEFAULT_SERVICE_FIELDS } from './service-resolution.js';
import { DETECTION_NEEDLES, NEEDLES } from './signatures.js';
import { chunkPrefiltersFor } from './chunk-prefilters.js';
import { ByteStreamScanner } from './stream-scanner.js';

/**
 * Options the parsers take beyond the shared contract; all optional, so a plain
 * DetectorOptions is enough.
 */
export interface DetectorSettings extends DetectorOptions {
  /** Clock for the year of BSD syslog stamps. Default Date.now. */
  readonly now?: Clock;
  /** Per-install key for credential fingerprints (HMAC-SHA256). Default: a fixed domain string. */
  readonly fingerprintKey?: string;
  /** Longest `message` kept on a detection. Characters; default 2000. */
  readonly maxMessageChars?: number;
}

export const DEFAULT_DETECTOR_OPTIONS: DetectorOptions = Object.freeze({
  rules: [],
  serviceFields: DEFAULT_SERVICE_FIELDS,
  maxLineBytes: 1024 * 1024,
  lookbackBytes: 8 * 1024 * 1024,
});

const DEFAULT_MAX_MESSAGE_CHARS = 2000;
const ALWAYS = (): boolean => true;

const checkPositive = (name: string, v: number, allowZero: boolean): void => {
  if (!Number.isInteger(v) || v < 0 || (!allowZero && v === 0)) {
    throw new RangeError(`${name} is ${v}; expected a ${allowZero ? 'non-negative' : 'positive'} integer (bytes).`);
  }
};

export const createDetector = (opts: DetectorSettings = DEFAULT_DETECTOR_OPTIONS): Detector => {
  checkPositive('maxLineBytes', opts.maxLineBytes, false);
  checkPositive('lookbackBytes', opts.lookbackBytes, true);
  const config = Object.freeze({
    needles: NEEDLES,
    rules: opts.rules,
    serviceFields: opts.serviceFields,
    maxLineBytes: opts.maxLineBytes,
    lookbackBytes: opts.lookbackBytes,
    maxMessageChars: opts.maxMessageChars ?? DEFAULT_MAX_MESSAGE_CHARS,
    now: opts.now ?? Date.now,
    fingerprintKey: opts.fingerprintKey,
    detectionNeedles: DETECTION_NEEDLES,
    evidenceWanted: opts.evidenceWanted ?? ALWAYS,
  });
  return {
    needles: NEEDLES,
    open: (init: StreamInit): StreamScanner => new ByteStreamScanner(init, config),
    readArea: () => chunkPrefiltersFor(NEEDLES, DETECTION_NEEDLES).area,
  };
};
