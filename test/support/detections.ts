import type { Detection } from '../../src/contracts.js';

/** A stored-shaped 2FA rejection for store and wire tests; `over` changes what a test is about. */
export const sampleDetection = (over: Partial<Detection> = {}): Detection => ({
  kind: 'smtp_basic_auth_2fa',
  channel: 'smtp',
  signature: 'smtp.535.basic-auth-2fa',
  provider: 'sendgrid',
  service: 'billing',
  serviceVia: 'field',
  host: 'web-1',
  program: null,
  ts: '2026-03-04T10:00:00.000Z',
  message: '535 Authentication failed: Basic authentication is not allowed with 2FA enabled',
  credentialFingerprint: null,
  source: 'app',
  line: 1,
  position: { stream: 'app:1', offset: 0 },
  ...over,
});
