/**
 * A deterministic mixed log with known rejections: JSON app lines naming their service, Postfix
 * noise and nginx access lines. The ground truth is returned with it.
 */
export interface Corpus {
  readonly lines: string[];
  /** `service/kind` → count */
  readonly truth: Record<string, number>;
}

const REJECTIONS = [
  { kind: 'smtp_basic_auth_2fa', text: 'Invalid login: 535 Authentication failed: Basic authentication is not allowed with 2FA enabled' },
  { kind: 'api_basic_auth_2fa', text: 'Unauthorized (401): invalid authentication method - declined because you are using basic authentication with 2FA enabled' },
  { kind: 'smtp_auth_failed', text: 'Invalid login: 535 Authentication failed: Bad username / password' },
] as const;

/** Small linear congruential generator: the same seed gives the same corpus everywhere. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export function makeCorpus(lineCount: number, opts: { seed?: number; services?: number; every?: number; tag?: string } = {}): Corpus {
  const rand = rng(opts.seed ?? 42);
  const services = opts.services ?? 5;
  const every = opts.every ?? 20;
  const tag = opts.tag ?? 'c';
  const lines: string[] = [];
  const truth: Record<string, number> = {};
  const t0 = Date.UTC(2026, 2, 4, 10, 0, 0);
  for (let i = 0; i < lineCount; i++) {
    const ts = new Date(t0 + i * 10).toISOString();
    if (i % every === every - 1) {
      const service = `svc-${Math.floor(rand() * services)}`;
      const r = REJECTIONS[Math.floor(rand() * REJECTIONS.length)] ?? REJECTIONS[0];
      lines.push(JSON.stringify({ time: ts, level: 'error', service, msg: `mail send failed (${tag}#${i})`, err: r.text }));
      truth[`${service}/${r.kind}`] = (truth[`${service}/${r.kind}`] ?? 0) + 1;
    } else if (i % 3 === 0) {
      lines.push(`Mar  4 10:00:${String(i % 60).padStart(2, '0')} mx1 postfix/smtp[${1000 + (i % 97)}]: ${(0x1000000 + i).toString(16).toUpperCase()}: to=<u${i}@example.org>, relay=mx.example.org[10.0.0.1]:25, delay=0.1, dsn=2.0.0, status=sent (250 2.0.0 OK)`);
    } else {
      lines.push(`10.0.${i % 250}.${i % 199} - - [04/Mar/2026:10:00:00 +0000] "GET /items/${i} HTTP/1.1" 200 ${512 + (i % 1000)} "-" "curl/8.5"`);
    }
  }
  return { lines, truth };
}
