/**
 * Log text is attacker-controlled: whoever can write a log line chooses the service name and
 * the message. One hostile line — CR/LF, a header to inject, HTML, Slack mentions and links, an
 * SQL fragment, ANSI and OSC escape sequences — goes through scan → SQLite → every output, and
 * each output must escape or neutralise it: terminal tables, NDJSON/JSON, the reports (md, html,
 * json, csv), Slack, email (headers and bodies, over a real SMTP server), the webhook, the
 * console alert, and the status page of a running daemon. The SQL fragment must be stored as data.
 */
import Database from 'better-sqlite3';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { runCli } from '../support/cli.js';
import { waitFor } from '../support/daemon-process.js';
import { tempDir } from '../support/temp.js';
import { stdinDaemonSetup } from '../support/stdin-daemon-setup.js';

const EVIL_SERVICE = [
  'evil',
  '\r\nBcc: victim@example.com\r\nX-Injected: yes',
  ' <!channel> <!here> <@U123> <https://x.example|click>',
  " '; DROP TABLE events;--",
  ' \u001b[2J\u001b[31m\u001b]8;;https://x.example\u0007link\u001b]8;;\u0007',
  ' <script>alert(1)</script> <img src=x>',
  ' & "q" =HYPERLINK("x")',
].join('');
const EVIL_TEXT = '<b>bold</b> <!everyone> \u001b[5mblink\u001b[0m \u0007 =cmd|calc';
/** Names longer than this are not taken from a field (parsers/formats/json-line.ts). Characters. */
const MAX_NAME = 256;
const LINE = JSON.stringify({ service: EVIL_SERVICE, msg: `535 Authentication failed: Basic authentication is not allowed with 2FA enabled ${EVIL_TEXT}` });

/** Raw forms that must never come out of an output of the given kind. */
const TERMINAL_BAD = [/\u001b/, /\u0007/, /\r/];
const HTML_BAD = [/<script>alert\(1\)<\/script>/, /<img src=x/, /<b>bold<\/b>/, /\u001b/];
const SLACK_BAD = ['<!channel>', '<!here>', '<!everyone>', '<@U123>', '<https://x.example|click>'];

function expectNone(output: string, bad: ReadonlyArray<RegExp | string>, where: string): void {
  for (const b of bad) expect(typeof b === 'string' ? output.includes(b) : b.test(output), `${where} contains ${String(b)}`).toBe(false);
}

/** Control characters other than tab and line feed: what no displayed text may carry. */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

/** Every string inside a parsed JSON value. */
function stringsIn(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.flatMap(stringsIn);
  if (v !== null && typeof v === 'object') return Object.values(v).flatMap(stringsIn);
  return [];
}

/** The service, as a person can recognise it in any output: its first word. */
const seen = (output: string): boolean => output.includes('evil');

describe('hostile service names and log text', () => {
  it('are escaped in the terminal, JSON and every report format, and stored as data', async () => {
    expect(EVIL_SERVICE.length).toBeLessThanOrEqual(MAX_NAME);
    const dir = tempDir();
    const db = join(dir, 'a.sqlite');
    writeFileSync(join(dir, 'app.log'), `${LINE}\n`);

    const table = await runCli(['scan', '--db', db, join(dir, 'app.log')]);
    expect(table.code).toBe(1);
    expect(seen(table.stdout)).toBe(true);
    expectNone(table.stdout, TERMINAL_BAD, 'scan table');
    // One row for the one service: the line break inside its name did not start a new row.
    expect(table.stdout.split('\n').filter((l) => l.includes('evil'))).toHaveLength(1);

    const services = await runCli(['services', '--db', db]);
    expect(seen(services.stdout)).toBe(true);
    expectNone(services.stdout, TERMINAL_BAD, 'services table');
    expect(services.stdout.split('\n').filter((l) => l.includes('evil'))).toHaveLength(1);

    // JSON outputs keep the exact value (JSON escaping is the neutralisation) on one line each.
    const nd = await runCli(['scan', '--db', db, '-f', 'ndjson', join(dir, 'app.log')]);
    expectNone(nd.stdout, TERMINAL_BAD, 'ndjson');
    const rows = nd.stdout.trim().split('\n');
    expect(rows).toHaveLength(1);
    expect((JSON.parse(rows[0] ?? '') as { service: string }).service).toBe(EVIL_SERVICE);
    const js = await runCli(['services', '--db', db, '--format', 'json']);
    expectNone(js.stdout, TERMINAL_BAD, 'services json');
    expect((JSON.parse(js.stdout) as Array<{ service: string }>).map((r) => r.service)).toEqual([EVIL_SERVICE]);

    const period = ['--since', '30d', '--until', '0m', '--db', db];
    const md = await runCli(['report', ...period, '--format', 'md']);
    expect(md.code).toBe(0);
    expect(seen(md.stdout)).toBe(true);
    // Markdown escapes with a backslash: `\\<script>` shows as text; an unescaped `<` would be HTML.
    expectNone(md.stdout, [...TERMINAL_BAD, /(?<!\\)<(script|img|b>)/], 'markdown report');
    // A Markdown table row cannot be broken by the name: the raw `|` inside it is escaped.
    expect(md.stdout).not.toContain('x.example|click');

    const html = await runCli(['report', ...period, '--format', 'html']);
    expect(seen(html.stdout)).toBe(true);
    expectNone(html.stdout, HTML_BAD, 'html report');
    expect(html.stdout).toContain('&lt;script&gt;');

    const json = await runCli(['report', ...period, '--format', 'json']);
    expectNone(json.stdout, TERMINAL_BAD, 'json report');
    expect(JSON.stringify(JSON.parse(json.stdout))).toContain(JSON.stringify(EVIL_SERVICE).slice(1, -1));

    const csv = await runCli(['report', ...period, '--format', 'csv']);
    const record = csv.stdout.split('\r\n')[1] ?? '';
    expect(seen(record)).toBe(true);
    // The name is one quoted field; a spreadsheet sees text, not a formula.
    expect(record.startsWith('"evil')).toBe(true);
    expectNone(csv.stdout, [/\u001b/, /(^|,)=HYPERLINK/m], 'csv report');

    // The SQL fragment is data: the tables are all there and hold the exact value.
    const d = new Database(db, { readonly: true });
    try {
      expect(d.prepare('SELECT service FROM events').pluck().all()).toEqual([EVIL_SERVICE]);
      expect(d.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'events'").pluck().get()).toBe('events');
      expect(d.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      d.close();
    }

    // The console alert, as `alert preview` renders it.
    const preview = await runCli(['alert', 'preview', EVIL_SERVICE, '--db', db]);
    expect(preview.code, preview.stderr).toBe(0);
    expect(seen(preview.stdout)).toBe(true);
    expectNone(preview.stdout, TERMINAL_BAD, 'console alert');
  });

  it('are neutralised in Slack, email, webhook and console alerts and on the status page', async () => {
    const dir = tempDir();
    const { slack, hook, smtp, port, config, base } = await stdinDaemonSetup(dir, { logLevel: 'warn' });
    writeFileSync(
      config,
      `${base}alerts:
  groupWait: 0s
  evaluateInterval: 1s
  receivers:
    team: { type: slack, webhookUrl: "${slack.url}/services/T0/B0/x" }
    mail: { type: email, to: [ops@example.com], from: authwatch@example.com, smtpUrl: "${smtp.url}" }
    hook: { type: webhook, url: "${hook.url}/hook" }
  routes:
    - receivers: [team, mail, hook, console]
`,
    );
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    let out = '';
    stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    const exit = main(['run', '--config', config, '--log-format', 'json'], { stdin, stdout, stderr: new PassThrough(), env: {} });
    stdin.write(`${LINE}\n`);

    const receivedAll = async (): Promise<void> => {
      await slack.waitFor(1, 30_000);
      await hook.waitFor(1, 30_000);
      await smtp.waitFor(1, 30_000);
    };
    await expect(receivedAll().catch((e: Error) => Promise.reject(new Error(`${e.message}\n${out}`)))).resolves.toBeUndefined();
    expect(await waitFor(() => out.includes('"alert"') || out.includes('evil'), 30_000)).toBe(true);
    const page = await (await fetch(`http://127.0.0.1:${port}/`)).text();
    const api = await (await fetch(`http://127.0.0.1:${port}/api/status`)).text();
    stdin.end();
    expect(await exit).toBe(0);

    const slackBody = slack.requests[0]?.body ?? '';
    expect(seen(slackBody)).toBe(true);
    expectNone(slackBody, SLACK_BAD, 'Slack payload');
    // No control character survives in what Slack displays (the decoded strings).
    for (const text of stringsIn(JSON.parse(slackBody))) expectNone(text, [CONTROL], 'Slack text');
    // The escaped forms are what Slack shows as text.
    expect(slackBody).toContain('&lt;!channel&gt;');

    const mail = smtp.mails[0];
    expect(mail).toBeDefined();
    // No header came from the log: no Bcc, no X-Injected, and the only recipient is the configured one.
    expect(mail?.parsed.headers.has('bcc')).toBe(false);
    expect(mail?.parsed.headers.has('x-injected')).toBe(false);
    expect(mail?.to).toEqual(['ops@example.com']);
    const subject = mail?.parsed.subject ?? '';
    expect(seen(subject)).toBe(true);
    expectNone(subject, [...TERMINAL_BAD, /\n/], 'mail subject');
    expectNone(String(mail?.parsed.html), HTML_BAD, 'mail HTML');
    expectNone(mail?.parsed.text ?? '', [/\u001b/, /\u0007/], 'mail text');

    const hookBody = hook.requests[0]?.body ?? '';
    // JSON carries the exact value for machines; JSON.stringify leaves no raw control character.
    expectNone(hookBody, [/\u001b/, /\r/, /\n/], 'webhook body');
    expect(JSON.stringify(JSON.parse(hookBody))).toContain(JSON.stringify(EVIL_SERVICE).slice(1, -1));

    expectNone(out, [/\u001b/, /\u0007/, /\r/], 'stdout (logs and console alerts)');
    for (const l of out.split('\n').filter(Boolean)) expect(() => JSON.parse(l) as unknown, l).not.toThrow();

    expect(seen(page)).toBe(true);
    expectNone(page, HTML_BAD, 'status page');
    expect(page).toContain('&lt;script&gt;');
    expectNone(api, [/\u001b/], '/api/status');
  });
});
