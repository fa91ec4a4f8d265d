/**
 * Configs and command lines an operator gets wrong: each must end in a message that names the
 * problem (the file, the key, the value) and the exit code the README documents — 2 for wrong
 * usage or an invalid configuration, 4 for a required resource that failed, 1 for `doctor`
 * finding a problem — never a stack trace.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../support/cli.js';
import { spawnAuthwatch } from '../support/daemon-process.js';
import { tempDir } from '../support/temp.js';

/** A config file's text → what `scan` and `run` must say about it. */
interface BadConfig {
  readonly name: string;
  readonly text: string;
  /** Every one of these must be in the message. */
  readonly says: ReadonlyArray<string | RegExp>;
}

const BAD_CONFIGS: readonly BadConfig[] = [
  { name: 'empty', text: '', says: ['the file is empty'] },
  { name: 'only a comment', text: '# nothing here\n', says: [/top level is (object|undefined)|the file is empty/] },
  { name: 'YAML syntax error', text: 'sources:\n  - type: file\n    paths: [/var/log/a.log\n', says: ['syntax:', /line \d+/] },
  { name: 'duplicate key', text: 'log:\n  level: info\nlog:\n  level: warn\n', says: ['syntax:', 'unique'] },
  { name: 'list at the top level', text: '- type: file\n  paths: [/var/log/a.log]\n', says: ['the top level is a list'] },
  { name: 'a scalar at the top level', text: 'just words\n', says: ['the top level is string'] },
  {
    name: 'topics and topicPattern both',
    text: 'sources:\n  - type: kafka\n    brokers: ["127.0.0.1:9092"]\n    topics: [app]\n    topicPattern: "app-.*"\n',
    says: ['sources[0].topics', 'set exactly one of topics or topicPattern'],
  },
  {
    name: 'unknown keys at three depths',
    text: 'databse:\n  path: a.sqlite\nsources:\n  - type: file\n    paths: [/var/log/a.log]\n    startat: end\nalerts:\n  groupwait: 10s\n',
    says: ['databse is not a known key', 'sources[0].startat is not a known key', 'alerts.groupwait is not a known key'],
  },
  {
    name: 'wrong types, all listed together',
    text: 'database:\n  path: 5\nsources: {}\ndetector:\n  maxLineBytes: big\nlog:\n  level: loud\n',
    says: ['database.path is 5', 'sources is {}', 'detector.maxLineBytes is "big"', 'log.level is "loud"'],
  },
  { name: 'negative size', text: 'detector:\n  maxLineBytes: -5\n', says: ['detector.maxLineBytes is -5'] },
  { name: 'unknown source type', text: 'sources:\n  - type: syslog-udp\n    port: 514\n', says: ['sources[0]'] },
  { name: 'bad regex in a rule', text: 'services:\n  rules:\n    - service: x\n      match: { host: "/([a-z/" }\n', says: ['services.rules[0].match.host'] },
  { name: 'bad duration', text: 'alerts:\n  groupWait: soon\n', says: ['alerts.groupWait', 'soon'] },
  { name: 'route to a missing receiver', text: 'alerts:\n  routes:\n    - receivers: [nobody]\n', says: ['nobody'] },
  { name: 'header injection in an email subject prefix', text: 'alerts:\n  receivers:\n    m: { type: email, to: [a@example.com], host: smtp.example.com, from: "a@example.com\\r\\nBcc: x@example.com" }\n', says: ['alerts.receivers.m'] },
  { name: 'unset environment variable', text: 'alerts:\n  receivers:\n    s: { type: slack, webhookUrl: "${AUTHWATCH_TEST_UNSET_URL}" }\n', says: ['alerts.receivers.s.webhookUrl', 'AUTHWATCH_TEST_UNSET_URL', 'not set'] },
];

function expectClear(r: CliResult, code: number, says: ReadonlyArray<string | RegExp>, what: string): void {
  expect(r.code, `${what}: ${r.stderr}`).toBe(code);
  for (const s of says) {
    if (typeof s === 'string') expect(r.stderr, what).toContain(s);
    else expect(r.stderr, what).toMatch(s);
  }
  // A person-facing message, not a crash.
  expect(r.stderr, what).not.toMatch(/unexpected error|\n\s+at [\w.<>]+ \(/);
}

describe('config abuse', () => {
  it('names the file, the key and the problem for every kind of bad config, exit 2, for scan, run and doctor', async () => {
    const dir = tempDir();
    const log = join(dir, 'app.log');
    writeFileSync(log, 'hello\n');
    for (const [i, bad] of BAD_CONFIGS.entries()) {
      const file = join(dir, `bad-${i}.yaml`);
      writeFileSync(file, bad.text);
      expectClear(await runCli(['scan', '--config', file, '--db', join(dir, 'a.sqlite'), log]), 2, [file, ...bad.says], `scan: ${bad.name}`);
      expectClear(await runCli(['run', '--config', file]), 2, [file, ...bad.says], `run: ${bad.name}`);
    }
    // doctor reports an invalid config as a failed check (exit 1), with the same problems.
    const file = join(dir, 'bad-types.yaml');
    writeFileSync(file, BAD_CONFIGS.find((b) => b.name.startsWith('wrong types'))?.text ?? '');
    const doc = await runCli(['doctor', '--config', file]);
    expect(doc.code).toBe(1);
    expect(doc.stdout + doc.stderr).toContain('detector.maxLineBytes is "big"');
  });

  it('names a config file that cannot be read, exit 4', async () => {
    const dir = tempDir();
    const missing = join(dir, 'nope.yaml');
    expectClear(await runCli(['scan', '--config', missing, '--db', join(dir, 'a.sqlite'), '-']), 4, [missing, 'Cannot read the config file'], 'missing file');
    expectClear(await runCli(['run', '--config', dir]), 4, [dir, 'Cannot read the config file'], 'a directory');
  });

  it('refuses contradictory and malformed command lines with exit 2', async () => {
    const dir = tempDir();
    const config = join(dir, 'ok.yaml');
    writeFileSync(config, `database:\n  path: ${join(dir, 'a.sqlite')}\nsources: []\n`);
    const cases: ReadonlyArray<{ argv: string[]; says: string }> = [
      { argv: ['run', '--config', config, '/var/log/mail.log'], says: 'not both' },
      { argv: ['frobnicate'], says: "unknown command 'frobnicate'" },
      { argv: ['scan', '--bogus'], says: "unknown option '--bogus'" },
      { argv: ['scan', '--format', 'xml', '-'], says: "'xml' is invalid" },
      { argv: ['services', '--format', 'yaml'], says: "'yaml' is invalid" },
      { argv: ['explain'], says: "missing required argument 'kind'" },
      { argv: ['explain', 'smtp_2fa'], says: '"smtp_2fa" is not a known kind' },
      { argv: ['report', '--since', 'last tuesday', '--db', join(dir, 'a.sqlite')], says: 'last tuesday' },
      { argv: ['mute', 'billing', '--for', 'forever', '--db', join(dir, 'a.sqlite')], says: 'forever' },
    ];
    for (const c of cases) expectClear(await runCli(c.argv), 2, [c.says], c.argv.join(' '));
  });

  it('doctor names every unreachable host with a fix, exit 1', async () => {
    const dir = tempDir();
    const config = join(dir, 'unreachable.yaml');
    // Port 9 (discard) on loopback: nothing listens there, so connections are refused at once.
    writeFileSync(
      config,
      `database: { path: ${join(dir, 'a.sqlite')} }
sources:
  - { type: kafka, id: nowhere, brokers: ["127.0.0.1:9"], topics: [app] }
alerts:
  receivers:
    mail: { type: email, to: [ops@example.com], smtpUrl: "smtp://u:secret-pass@127.0.0.1:9" }
`,
    );
    const r = await runCli(['doctor', '--config', config]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^FAIL {2}kafka nowhere: no broker answered \(127\.0\.0\.1:9\).*ECONNREFUSED.*Fix: /m);
    expect(r.stdout).toMatch(/^FAIL {2}smtp mail: cannot talk to 127\.0\.0\.1:9: .*ECONNREFUSED.*Fix: /m);
    expect(r.stdout + r.stderr).not.toContain('secret-pass');
  });

  it('the installed binary exits with the same codes', async () => {
    const dir = tempDir();
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, '- a list\n');
    const invalid = spawnAuthwatch(['run', '--config', bad]);
    expect(await invalid.exited).toBe(2);
    expect(invalid.stderr()).toContain('the top level is a list');
    const missing = spawnAuthwatch(['run', '--config', join(dir, 'missing.yaml')]);
    expect(await missing.exited).toBe(4);
    expect(missing.stderr()).toContain('missing.yaml');
  });
});
