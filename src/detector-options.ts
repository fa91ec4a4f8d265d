import type { DetectorOptions } from './contracts.js';
import type { Config } from './config/schema.js';
import { DEFAULT_SERVICE_FIELDS } from '../parsers/index.js';
import { compileRules } from './config/patterns.js';

/**
 * The detector's options from a validated config, or the defaults when there is none.
 * `evidenceWanted` says whether recovery evidence (successful sends) is worth decoding right now:
 * default never, since only the daemon's alerting uses it and a delivery log is full of it.
 */
export function detectorOptions(config?: Readonly<Config>, evidenceWanted: () => boolean = NEVER): DetectorOptions {
  return {
    evidenceWanted,
    rules: config ? compileRules(config.services.rules) : [],
    serviceFields: config?.services.fields ?? DEFAULT_SERVICE_FIELDS,
    maxLineBytes: config?.detector.maxLineBytes ?? 1024 * 1024,
    lookbackBytes: config?.detector.lookbackBytes ?? 8 * 1024 * 1024,
  };
}

const NEVER = (): boolean => false;
