/** The detection core: the one module the rest of authwatch imports from `parsers/`. */
export { createDetector, DEFAULT_DETECTOR_OPTIONS } from './detector.js';
export type { DetectorSettings } from './detector.js';
export { redact, credentialFingerprint, REDACTED } from './redact.js';
export { SIGNATURES, NEEDLES, NEEDLE_TEXTS, matchSignatures } from './signatures.js';
export type { Signature, SignatureHit } from './signatures.js';
export { DEFAULT_SERVICE_FIELDS } from './service-resolution.js';
export { DEFAULT_PROVIDER, providerOfHost } from './providers.js';
export { BoundedSubmitterMemory, DEFAULT_SUBMITTER_MEMORY } from './mta-correlation.js';
export type { CorrelationLookup, LookupObserver, Submitter, SubmitterMemory } from './mta-correlation.js';
export { isRangeScannable } from './range-scannable.js';
export type { RangeScannable } from './range-scannable.js';
