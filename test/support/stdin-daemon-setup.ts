import { join } from 'node:path';
import { freePort } from './free-port.js';
import { startHttpReceiver, type HttpReceiver } from './http-receiver.js';
import { startSmtpReceiver, type SmtpReceiver } from './smtp-receiver.js';

export interface StdinDaemonSetup {
  readonly slack: HttpReceiver;
  readonly hook: HttpReceiver;
  readonly smtp: SmtpReceiver;
  /** Free loopback port for the daemon's HTTP server. */
  readonly port: number;
  readonly db: string;
  readonly config: string;
  /** The config up to (not including) its `alerts:` section: database, a stdin source, HTTP, log level. */
  readonly base: string;
}

/**
 * What the end-to-end daemon tests share: a Slack and a webhook stand-in, an SMTP server (all
 * closed when the test ends), a free port, and the head of a config reading stdin into a
 * database in `dir`. Each test appends the alerts section it needs.
 */
export async function stdinDaemonSetup(dir: string, opts: { logLevel: string; httpToken?: string; smtp?: { user: string; pass: string } }): Promise<StdinDaemonSetup> {
  const slack = await startHttpReceiver();
  const hook = await startHttpReceiver();
  const smtp = await startSmtpReceiver(opts.smtp);
  const port = await freePort();
  const db = join(dir, 'db.sqlite');
  const base = `database:
  path: ${db}
sources:
  - type: stdin
    id: in
http:
  host: 127.0.0.1
  port: ${port}
${opts.httpToken === undefined ? '' : `  token: ${opts.httpToken}\n`}log:
  level: ${opts.logLevel}
`;
  return { slack, hook, smtp, port, db, config: join(dir, 'authwatch.yaml'), base };
}
