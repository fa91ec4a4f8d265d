import { describe, expect, it } from 'vitest';
import { detector, openScanner, scanAll } from './helpers.js';

const HIT = '2024-03-04T10:00:01Z ERROR worker: 535 Authentication failed: Bad username / password';
const mixed = [
  'Mar  4 10:00:00 web-1 app[1]: hello',
  HIT,
  '{"level":50,"service":"svc-a","msg":"invalid authentication method"}',
  'Mar  4 10:00:02 web-1 app[1]: 535 Authentication failed: Basic authentication is not allowed with 2FA enabled',
  'plain text',
  'tail without newline: The provided authorization grant is invalid, expired, or revoked',
].join('\n');

describe('stream scanner framing', () => {
  it('gives identical detections and line numbers for 1-byte, 7-byte and whole chunks', () => {
    const whole = scanAll(mixed, 0);
    expect(whole.detections.map((d) => d.line)).toEqual([2, 3, 4, 6]);
    expect(scanAll(mixed, 1).detections).toEqual(whole.detections);
    expect(scanAll(mixed, 7).detections).toEqual(whole.detections);
    expect(scanAll(mixed, 7).scanner.stats).toEqual(whole.scanner.stats);
  });

  it('reports byte offsets of line starts and completeOffset past the last complete line', () => {
    const s = openScanner();
    const d = s.push(Buffer.from(`abc\n${HIT}\npartial`));
    expect(d[0]?.position).toEqual({ stream: 'stream-1', offset: 4 });
    expect(s.completeOffset).toBe(4 + HIT.length + 1);
    expect(s.nextLine).toBe(3);
    s.end();
    expect(s.completeOffset).toBe(4 + HIT.length + 1 + 'partial'.length);
    expect(s.nextLine).toBe(4);
  });

  it('continues numbering from startLine and startOffset', () => {
    const s = detector().open({ stream: 'f', startOffset: 1000, startLine: 41, meta: { source: 's' } });
    const d = s.push(Buffer.from(`x\n${HIT}\n`));
    expect(d[0]).toMatchObject({ line: 42, position: { stream: 'f', offset: 1002 } });
    expect(s.completeOffset).toBe(1002 + HIT.length + 1);
  });

  it('counts and skips a 5 MB line with bounded memory, and still finds what follows', () => {
    const long = `${'x'.repeat(2_000_000)} ${HIT} ${'y'.repeat(3_000_000)}`;
    const input = `${HIT}\n${long}\n${HIT}\nok\n`;
    for (const size of [0, 65536, 1_000_003]) {
      const { detections, scanner } = scanAll(input, size);
      expect(detections.map((d) => d.line)).toEqual([1, 3]);
      expect(scanner.stats.longLines).toBe(1);
      expect(scanner.stats.lines).toBe(4);
    }
  });

  it('skips a long trailing line at end of stream', () => {
    const { detections, scanner } = scanAll(`${HIT}\n${'z'.repeat(2_000_000)}`, 100_000);
    expect(detections).toHaveLength(1);
    expect(scanner.stats).toMatchObject({ lines: 2, longLines: 1 });
  });

  it('counts NUL/binary candidate lines and decodes invalid UTF-8 with replacement', () => {
    const input = Buffer.concat([
      Buffer.from(`${HIT}\0\n`),
      Buffer.from([0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08]),
      Buffer.from(`uthenticat\n`),
      Buffer.from([0xff, 0xfe, 0x20]),
      Buffer.from(`${HIT}\n`),
    ]);
    const { detections, scanner } = scanAll(input, 3);
    expect(scanner.stats.binaryLines).toBe(2);
    expect(detections).toHaveLength(1);
    expect(detections[0]?.line).toBe(3);
    expect(detections[0]?.message).toContain('\ufffd');
  });

  it('handles empty input and empty chunks', () => {
    const s = openScanner();
    expect(s.push(Buffer.alloc(0))).toEqual([]);
    expect(s.end()).toEqual([]);
    expect(s.stats.lines).toBe(0);
    expect(s.completeOffset).toBe(0);
  });

  it('strips CR from CRLF lines and counts candidates without signatures', () => {
    const { detections, scanner } = scanAll(`${HIT}\r\nUser failed to authenticate\r\n`);
    expect(detections[0]?.message.endsWith('password')).toBe(true);
    expect(scanner.stats.candidates).toBe(2);
    expect(scanner.stats.detections).toBe(1);
  });

  it('parses timestamps of each framing', () => {
    const lines = [
      'Mar  4 10:00:01 h p[1]: 535 Authentication failed: x',
      '2024-03-04T10:00:01.5+02:00 h p[1]: 535 Authentication failed: x',
      '2024-03-04 10:00:01 1rhFzX-0001Ab-3C 535 Authentication failed: x',
      '2024-03-04 10:00:01,123 ERROR app: 535 Authentication failed: x',
      '{"time":1709546401000,"msg":"535 Authentication failed: x"}',
      '{"@timestamp":"2024-03-04T10:00:01Z","msg":"535 Authentication failed: x"}',
      '{"ts":1709546401.25,"msg":"535 Authentication failed: x"}',
      'no stamp 535 Authentication failed: x',
      'Dec 31 23:59:59 h p[1]: 535 Authentication failed: x',
    ];
    const { detections } = scanAll(lines.join('\n'));
    expect(detections.map((d) => d.ts)).toEqual([
      '2024-03-04T10:00:01.000Z',
      '2024-03-04T08:00:01.500Z',
      '2024-03-04T10:00:01.000Z',
      '2024-03-04T10:00:01.123Z',
      '2024-03-04T10:00:01.000Z',
      '2024-03-04T10:00:01.000Z',
      '2024-03-04T10:00:01.250Z',
      null,
      // December seen in June: last year's.
      '2023-12-31T23:59:59.000Z',
    ]);
    expect(detections[0]).toMatchObject({ host: 'h', program: 'p' });
  });

  it('cuts messages to maxMessageChars', () => {
    const { detections } = scanAll(`${HIT} ${'q'.repeat(5000)}`, 0, { maxMessageChars: 100 });
    expect(detections[0]?.message.length).toBeLessThanOrEqual(101);
  });
});

describe('record()', () => {
  it('scans a Kafka value at the message offset, using the key for the service', () => {
    const s = openScanner();
    const d = s.record(Buffer.from(`noise\n${HIT}\n${HIT}`), 4711, { source: 'kafka-main', topic: 'logs', key: 'checkout' });
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({ line: 2, service: 'checkout', serviceVia: 'kafka-key', source: 'kafka-main', position: { stream: 'stream-1', offset: 4711 } });
    expect(s.stats.lines).toBe(3);
  });

  it('prefers envelope fields to the key', () => {
    const s = openScanner();
    const env = JSON.stringify({ message: HIT, kubernetes: { labels: { app: 'from-label' } } });
    const d = s.record(Buffer.from(env), 1, { source: 'k', key: 'key-svc' });
    expect(d[0]).toMatchObject({ service: 'from-label', serviceVia: 'field' });
  });
});
