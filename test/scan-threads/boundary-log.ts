/**
 * Logs built so that `scan --range-bytes R` cuts them where the test wants: ranges start at
 * multiples of R, and around each of those edges sits something a range boundary can break: a
 * Postfix rejection whose queue-id submitter line is just before the edge, a rejection as the
 * last line before it and as the first after it, or one of the fixture logs (stack traces, SMTP
 * dialogues, curl -v dumps, ...) cut in two. At every third edge the first line after the cut
 * starts 37 bytes early, so that a line runs across the edge.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { rng } from '../support/corpus.js';

const FIXTURE_DIR = join(import.meta.dirname, '..', 'fixtures', 'corpus');
/** Real framings, as lines; the binary one is left out (it would be the same in every range). */
const FIXTURES: string[][] = readdirSync(FIXTURE_DIR)
  .filter((f) => f.endsWith('.log') && f !== 'noise-binary.log')
  .sort()
  .map((f) => readFileSync(join(FIXTURE_DIR, f), 'utf8').replace(/\n$/, '').split('\n'));

const APPS = ['orders', 'billing', 'signup-worker', 'search', 'gateway'];

export interface BoundaryLogOptions {
  /** Distance between edges: pass the same value as --range-bytes. */
  readonly rangeBytes: number;
  readonly segments: number;
  readonly seed?: number;
  /** Extra lines placed at the start of a segment (after what the edge before it left there). */
  readonly extra?: (segment: number) => readonly string[];
}

/** An ordinary line: Postfix noise, an access log line or a JSON app line. */
function background(r: () => number, n: number): string {
  const qid = (0x10000000 + Math.floor(r() * 0xfffffff)).toString(16).toUpperCase();
  switch (Math.floor(r() * 4)) {
    case 0:
      return `Mar  4 10:${String(n % 60).padStart(2, '0')}:00 mx1 postfix/smtp[1300]: ${qid}: to=<u${n}@example.org>, relay=mx.example.org[10.0.0.1]:25, delay=0.1, dsn=2.0.0, status=sent (250 2.0.0 OK)`;
    case 1:
      return `10.0.${n % 250}.${n % 199} - - [04/Mar/2024:10:00:00 +0000] "GET /items/${n} HTTP/1.1" 200 ${512 + (n % 1000)} "-" "curl/8.5"`;
    case 2:
      return `    at worker.run (/srv/app/worker.js:${n % 900}:17)`;
    default:
      return JSON.stringify({ level: 30, time: `2024-03-04T10:00:${String(n % 60).padStart(2, '0')}.000Z`, service: APPS[n % APPS.length], msg: 'request completed', n });
  }
}

/** What sits on both sides of edge `i` (between segment i and i + 1). */
function edge(i: number): { before: string[]; after: string[] } {
  if (i % 2 === 0) {
    const qid = `B0A${String(i).padStart(7, '0')}`;
    return {
      before: [
        `Mar  4 10:00:01 mx1 postfix/qmgr[1201]: ${qid}: from=<edge-${i}@example.com>, size=1234, nrcpt=1 (queue active)`,
        `Mar  4 10:00:01 mx1 postfix/smtpd[1300]: disconnect from web-7.internal[10.0.3.7]`,
        JSON.stringify({ level: 50, time: '2024-03-04T10:00:02.000Z', service: `last-before-${i}`, msg: 'sendgrid v3 error', status: 403, error: 'Permission denied, wrong credentials' }),
      ],
      after: [
        `Mar  4 10:00:02 mx1 postfix/smtp[1400]: ${qid}: to=<a@example.org>, relay=smtp.sendgrid.net[167.89.115.56]:587, delay=1, delays=0/0/1/0, dsn=4.7.0, status=deferred (SASL authentication failed; server smtp.sendgrid.net[167.89.115.56] said: 535 Authentication failed: Basic authentication is not allowed with 2FA enabled)`,
      ],
    };
  }
  const lines = FIXTURES[Math.floor(i / 2) % FIXTURES.length] as string[];
  const cut = 1 + ((i * 7) % Math.max(1, lines.length - 1));
  return { before: lines.slice(0, cut), after: lines.slice(cut) };
}

const bytes = (lines: readonly string[]): number => lines.reduce((n, l) => n + Buffer.byteLength(l) + 1, 0);

/** How far before edge `i` the text after it starts: a line then runs across the edge. */
const early = (i: number): number => (i % 3 === 1 ? 37 : 0);

export function boundaryLog(opts: BoundaryLogOptions): Buffer {
  const r = rng(opts.seed ?? 7);
  const parts: Buffer[] = [];
  let n = 0;
  let carried: string[] = [];
  for (let s = 0; s < opts.segments; s++) {
    const last = s === opts.segments - 1;
    const size = opts.rangeBytes - (last ? 0 : early(s)) + (s > 0 ? early(s - 1) : 0);
    const head = [...carried, ...(opts.extra?.(s) ?? [])];
    const { before, after } = last ? { before: [], after: [] } : edge(s);
    carried = after;
    const lines = [...head];
    let room = size - bytes(head) - bytes(before);
    for (;;) {
      const line = background(r, n++);
      if (room - (Buffer.byteLength(line) + 1) < 200) break;
      lines.push(line);
      room -= Buffer.byteLength(line) + 1;
    }
    if (room < 2) throw new Error(`segment ${s} does not fit in ${size} bytes`);
    lines.push(`# ${'.'.repeat(room - 3)}`, ...before);
    const segment = Buffer.from(`${lines.join('\n')}\n`);
    if (segment.length !== size) throw new Error(`segment ${s} is ${segment.length} bytes, not ${size}`);
    parts.push(segment);
  }
  return Buffer.concat(parts);
}

/** `count` ordinary lines. */
export function fillerLines(count: number, seed = 11): string[] {
  const r = rng(seed);
  return Array.from({ length: count }, (_, n) => background(r, n));
}

/** A Postfix message's submission: its sender names the service of its later rejections. */
export const submitted = (qid: string, sender: string): string => `Mar  4 09:00:00 mx1 postfix/qmgr[1201]: ${qid}: from=<${sender}>, size=99, nrcpt=1 (queue active)`;

/** A deferral of that message, logged again at every retry, long after its submission left the lookback window. */
export const deferred = (qid: string): string =>
  `Mar  4 10:00:02 mx1 postfix/smtp[1400]: ${qid}: to=<a@example.org>, relay=smtp.sendgrid.net[167.89.115.56]:587, delay=1, delays=0/0/1/0, dsn=4.7.0, status=deferred (SASL authentication failed; server smtp.sendgrid.net[167.89.115.56] said: 535 Authentication failed: Basic authentication is not allowed with 2FA enabled)`;

/**
 * One multi-line record (an indented trace) of about `bytes` bytes, a rejection every few
 * lines. Its first line's kind comes again near its end: one record, reported once.
 */
export function giantRecord(bytes: number): string[] {
  const lines = ['2024-03-04 10:00:00 ERROR mailer: send failed: 535 Authentication failed: Basic authentication is not allowed with 2FA enabled'];
  for (let n = 0, size = 0; size < bytes; n++) {
    const line = n % 8 === 0 ? `    at attempt ${n}: 535 Authentication failed: Bad username / password` : `    at frame ${n} (/srv/app/mailer.js:${n}:9)`;
    lines.push(line);
    size += line.length + 1;
  }
  lines.splice(lines.length - 5, 0, '    at retry: 535 Authentication failed: Basic authentication is not allowed with 2FA enabled');
  return lines;
}
