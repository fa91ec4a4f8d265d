import { describe, expect, it } from 'vitest';
import { credentialFingerprint, redact } from '../../parsers/index.js';
import { scanAll } from './helpers.js';

const KEY = 'SG.canaryCANARY0123456789.canaryCANARY0123456789canaryCANARY0123456';
const SIG = '535 Authentication failed: Bad username / password';

/** Each line carries a secret that must never leave the parser. */
const CANARIES: ReadonlyArray<readonly [string, string]> = [
  [`send failed key=${KEY} ${SIG}`, KEY],
  [`> Authorization: Basic Y2FuYXJ5OmNhbmFyeS1iYXNpYw== ${SIG}`, 'Y2FuYXJ5OmNhbmFyeS1iYXNpYw=='],
  [`{"authorization":"Bearer canary-bearer-0001","msg":"${SIG}"}`, 'canary-bearer-0001'],
  [`{"headers":{"Authorization":"Basic Y2FuYXJ5Mg=="},"msg":"${SIG}"}`, 'Y2FuYXJ5Mg=='],
  [`{"log":"{\\"password\\":\\"canary-json-pass\\",\\"m\\":\\"${SIG}\\"}"}`, 'canary-json-pass'],
  [`C: AUTH PLAIN AGNhbmFyeQBjYW5hcnktcGxhaW4= ${SIG}`, 'AGNhbmFyeQBjYW5hcnktcGxhaW4='],
  [`smtp://apikey:canary-url-pass@smtp.sendgrid.net:587 ${SIG}`, 'canary-url-pass'],
  [`GET /api/mail.send.json?api_user=canary-user&api_key=canary-v2-key 401 {"errors":["Bad username / password"]}`, 'canary-v2-key'],
  [`MAIL_PASSWORD=canary-env-pass ${SIG}`, 'canary-env-pass'],
  [`pass=canary-p1 passwd=canary-p2 pwd=canary-p3 secret=canary-p4 token=canary-p5 apikey=canary-p6 api-key: canary-p7 ${SIG}`, 'canary-p'],
  [`{'Authorization': 'Bearer canary-py-dict', 'msg': '${SIG}'}`, 'canary-py-dict'],
  [`"password": "canary with spaces" ${SIG}`, 'canary with spaces'],
];

describe('redaction', () => {
  it.each(CANARIES)('never lets the secret out: %s', (line, secret) => {
    const { detections: all5 } = scanAll(`${line}\n`, 5);
    // The v2 line is also a v2 Web API call (basic_auth_in_use); the other checks are on the rejection.
    const detections = all5.filter((d) => d.kind !== 'basic_auth_in_use');
    expect(detections).toHaveLength(1);
    expect(JSON.stringify(all5)).not.toContain(secret);
    const all = JSON.stringify(detections);
    expect(all).not.toContain(secret);
    expect(detections[0]?.message).toContain('[REDACTED]');
    expect(detections[0]?.credentialFingerprint).toMatch(/^[0-9a-f]{12}$/);
  });

  it('redacts the base64 lines sent after 334 prompts in client debug logs', () => {
    expect(redact('C: dXNlcm5hbWU=')).toBe('C: [REDACTED]');
    expect(redact("send: 'aHVudGVyMi1jYW5hcnk=\\r\\n'")).not.toContain('aHVudGVyMi1jYW5hcnk');
    expect(redact("reply: b'334 UGFzc3dvcmQ6\\r\\n'")).toBe("reply: b'334 UGFzc3dvcmQ6\\r\\n'");
  });

  it('keeps the SendGrid wording and the SMTP user name', () => {
    expect(redact(`smtp://apikey:x@h ${SIG}`)).toBe(`smtp://apikey:[REDACTED]@h ${SIG}`);
    expect(redact('{"errors":["Bad username / password"],"message":"error"}')).toBe('{"errors":["Bad username / password"],"message":"error"}');
  });

  it('fingerprints the first credential: stable, keyed, and null without one', () => {
    const a = scanAll(`token=one-secret password=two ${SIG}\n`).detections[0];
    const b = scanAll(`token=one-secret ${SIG}\n`).detections[0];
    expect(a?.credentialFingerprint).toBe(b?.credentialFingerprint);
    expect(a?.credentialFingerprint).toBe(credentialFingerprint('one-secret'));
    expect(credentialFingerprint('one-secret', 'install-key')).not.toBe(credentialFingerprint('one-secret'));
    const keyed = scanAll(`token=one-secret ${SIG}\n`, 0, { fingerprintKey: 'install-key' }).detections[0];
    expect(keyed?.credentialFingerprint).toBe(credentialFingerprint('one-secret', 'install-key'));
    expect(scanAll(`${SIG}\n`).detections[0]?.credentialFingerprint).toBeNull();
  });
});
