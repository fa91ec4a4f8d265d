import type { DetectorOptions } from './contracts.js';
import type { Config } from './config/schema.js';
import { DEFAULT_SERVICE_FIELDS } from '../parsers/index.js';
import { compileRules } from './config/patterns.js';

/** The detector's options from a validated config, or the defaults when there is none. */
export function detectorOptions(config?: Readonly<Config>): DetectorOptions {
  return {
    rules: config ? compileRules(config.services.rules) : [],
    serviceFields: config?.services.fields ?? DEFAULT_SERVICE_FIELDS,
    maxLineBytes: config?.detector.maxLineBytes ?? 1024 * 1024,
    lookbackBytes: config?.detector.lookbackBytes ?? 8 * 1024 * 1024,
  };
}
