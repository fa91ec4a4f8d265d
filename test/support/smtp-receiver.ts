/**
 * A real SMTP server on 127.0.0.1 (the smtp-server package) that requires AUTH and keeps every
 * message, parsed with mailparser. STARTTLS is off so the test needs no certificate; plain AUTH
 * over loopback is allowed for that reason. A scripted reply can refuse the next messages.
 * Closed automatically when the test finishes.
 */
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { onTestFinished } from 'vitest';

export interface ReceivedMail {
  readonly from: string;
  readonly to: readonly string[];
  readonly user: string;
  readonly raw: string;
  readonly parsed: ParsedMail;
}

export interface SmtpReceiver {
  readonly port: number;
  /** `smtp://user:pass@127.0.0.1:port` with the accepted credentials. */
  readonly url: string;
  readonly mails: ReceivedMail[];
  /** Logins refused because of wrong credentials. */
  readonly refusedLogins: number;
  /** The next messages are refused with these SMTP reply codes (e.g. 451 transient, 550 permanent). */
  refuseNext(...codes: number[]): void;
  waitFor(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startSmtpReceiver(opts: { user?: string; pass?: string } = {}): Promise<SmtpReceiver> {
  const user = opts.user ?? 'alerts';
  const pass = opts.pass ?? 'p@ss word';
  const mails: ReceivedMail[] = [];
  const refusals: number[] = [];
  let refusedLogins = 0;

  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN'],
    logger: false,
    onAuth(auth, _session, cb) {
      if (auth.username === user && auth.password === pass) return cb(null, { user: auth.username });
      refusedLogins += 1;
      return cb(new Error('Invalid username or password'));
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const code = refusals.shift();
        if (code !== undefined) {
          const err = Object.assign(new Error(`Refused by the test receiver with ${code}`), { responseCode: code });
          return cb(err);
        }
        const raw = Buffer.concat(chunks).toString('utf8');
        simpleParser(raw)
          .then((parsed) => {
            mails.push({
              from: session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address,
              to: session.envelope.rcptTo.map((r) => r.address),
              user: typeof session.user === 'string' ? session.user : '',
              raw,
              parsed,
            });
            cb();
          })
          .catch((err: Error) => cb(err));
      });
    },
  });

  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const a = server.server.address();
      resolve(typeof a === 'object' && a !== null ? a.port : 0);
    });
  });

  const receiver: SmtpReceiver = {
    port,
    url: `smtp://${encodeURIComponent(user)}:${encodeURIComponent(pass)}@127.0.0.1:${port}`,
    mails,
    get refusedLogins() {
      return refusedLogins;
    },
    refuseNext: (...codes) => void refusals.push(...codes),
    waitFor: async (count, timeoutMs = 10_000) => {
      const deadline = Date.now() + timeoutMs;
      while (mails.length < count) {
        if (Date.now() > deadline) throw new Error(`Expected ${count} mails; got ${mails.length} within ${timeoutMs} ms.`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  onTestFinished(() => receiver.close());
  return receiver;
}
