import { describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/temp.js';
import { CANARY_KEY, FIXTURES, SECRETS } from '../audit/fixtures.js';

/** Writes every audit fixture under a fresh temp directory. */
function writeFixtures(): string {
  const dir = tempDir();
  for (const f of FIXTURES) {
    const p = join(dir, f.path);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, `${f.text}\n`);
  }
  return dir;
}

interface Row {
  kind: string;
  severity: string;
  file: string;
  line: number;
  detail: string;
  excerpt: string;
  fingerprint: string | null;
  fix: string;
}

const rows = (out: string): Row[] =>
  out
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Row);

describe('authwatch audit', () => {
  it('finds every fixture signal, exits 1, and never prints a secret in any format', async () => {
    const dir = writeFixtures();
    const expected = FIXTURES.flatMap((f) => f.expected.map((e) => `${join(dir, f.path)}:${e}`)).sort();
    const nd = await runCli(['audit', '--format', 'ndjson', dir]);
    expect(nd.code).toBe(1);
    expect(nd.stderr).toBe('');
    expect(rows(nd.stdout).map((r) => `${r.file}:${r.kind}@${r.line}`).sort()).toEqual(expected);
    const table = await runCli(['audit', dir]);
    const json = await runCli(['audit', '--format', 'json', dir]);
    expect(table.code).toBe(1);
    expect(json.code).toBe(1);
    for (const r of [nd, table, json]) {
      for (const s of SECRETS) {
        expect(r.stdout).not.toContain(s);
        expect(r.stderr).not.toContain(s);
      }
    }
    expect(table.stdout).toMatch(/^SEVERITY\s+KIND\s+LOCATION\s+DETAIL/m);
    expect(table.stdout).toContain('smtp_password_login: Set the SMTP username to `apikey`');
    const doc = JSON.parse(json.stdout) as { findings: Row[]; stats: { files_scanned: number } };
    expect(doc.findings).toHaveLength(expected.length);
    expect(doc.stats.files_scanned).toBe(FIXTURES.length);
  });

  it('reports a hard-coded key by file, line and fingerprint only', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'app.ts'), `// mail\nconst key = '${CANARY_KEY}';\n`);
    const r = await runCli(['audit', '--format', 'ndjson', dir]);
    const [row] = rows(r.stdout);
    expect(row).toMatchObject({ kind: 'hardcoded_api_key', severity: 'medium', file: join(dir, 'app.ts'), line: 2 });
    expect(row?.fingerprint).toMatch(/^[0-9a-f]{12}$/);
    expect(row?.excerpt).toBe("const key = '[REDACTED]';");
  });

  it('exits 0 on a clean tree, with look-alikes: apikey logins, Bearer, other hosts, unrelated base64', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, '.env'), 'MAIL_HOST=smtp.sendgrid.net\nMAIL_USERNAME=apikey\nMAIL_PASSWORD=${SENDGRID_API_KEY}\nSMTP2_HOST=smtp.mailgun.org\nSMTP2_USER=postmaster\n');
    writeFileSync(join(dir, 'client.py'), 'requests.post("https://api.sendgrid.com/v3/mail/send", headers={"Authorization": f"Bearer {key}"})\nblob = "aGVsbG8gd29ybGQsIHRoaXMgaXMgbm90IGEga2V5IGF0IGFsbA=="\n');
    const r = await runCli(['audit', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('No risky SendGrid credentials found in 2 file(s).');
  });

  it('skips node_modules, .git, binary, over-size and unrelated files, and counts them', async () => {
    const dir = tempDir();
    const bad = `MAIL_HOST=smtp.sendgrid.net\nMAIL_USERNAME=hidden\nKEY=${CANARY_KEY}\n`;
    for (const sub of ['node_modules/pkg', '.git/objects']) {
      mkdirSync(join(dir, sub), { recursive: true });
      writeFileSync(join(dir, sub, 'x.env'), bad);
    }
    writeFileSync(join(dir, 'blob.json'), Buffer.concat([Buffer.from(bad), Buffer.from([0, 1, 2])]));
    writeFileSync(join(dir, 'big.yml'), `${bad}${'#'.repeat(2000)}\n`);
    writeFileSync(join(dir, 'README.md'), bad);
    writeFileSync(join(dir, 'ok.yml'), 'a: b\n');
    const r = await runCli(['audit', '--max-file-size', '1000', '--format', 'json', dir]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { findings: unknown[]; stats: { files_scanned: number; skipped: Record<string, number> } };
    expect(doc.findings).toEqual([]);
    expect(doc.stats.files_scanned).toBe(1);
    expect(doc.stats.skipped).toEqual({ binary: 1, too_large: 1, other_files: 1, skipped_dirs: 2, symlinks: 0 });
    const table = await runCli(['audit', '--max-file-size', '1000', dir]);
    expect(table.stdout).toContain('Skipped: 1 binary, 1 over 1000 bytes, 1 neither config nor source, 2 node_modules/.git dir(s).');
  });

  it('exits 3 when a path cannot be read, after auditing the others', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'mail.properties'), 'spring.mail.host=smtp.sendgrid.net\nspring.mail.username=legacy\n');
    const r = await runCli(['audit', '--format', 'ndjson', join(dir, 'missing.env'), join(dir, 'mail.properties')]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`cannot read ${join(dir, 'missing.env')}: no such file or directory`);
    expect(rows(r.stdout).map((x) => x.kind)).toEqual(['smtp_password_login']);
  });

  it('exits 2 without a path', async () => {
    const r = await runCli(['audit']);
    expect(r.code).toBe(2);
  });
});
