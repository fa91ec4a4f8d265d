import nodemailer from 'nodemailer';
import type { Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import type { ReceiverConfig } from '../config-schema.js';
import { DeliveryError } from '../delivery-error.js';
import { isPrepared, type OutboundMessage } from '../prepared.js';
import { renderEmail } from '../render/email.js';
import type { Channel } from './channel.js';

type EmailReceiver = Extract<ReceiverConfig, { type: 'email' }>;

/** nodemailer error codes that mean the server was not reached or the session broke: try again. */
const TRANSIENT_CODES = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ECONNREFUSED', 'ECONNRESET', 'ETLS', 'EPROTOCOL']);

/** Mail over SMTP through nodemailer: one connection per message (alerts are rare). */
export class EmailChannel implements Channel {
  readonly type = 'email' as const;
  private readonly transport: Transporter<SMTPTransport.SentMessageInfo>;

  constructor(
    readonly name: string,
    private readonly cfg: EmailReceiver,
    /** Connection, greeting and socket inactivity limit. Milliseconds. */
    timeoutMs: number,
  ) {
    const limits = { connectionTimeout: timeoutMs, greetingTimeout: timeoutMs, socketTimeout: timeoutMs };
    this.transport =
      cfg.smtpUrl !== undefined
        ? nodemailer.createTransport({ ...smtpUrlOptions(cfg.smtpUrl), ...limits })
        : nodemailer.createTransport({
            host: cfg.host,
            port: cfg.port ?? (cfg.secure ? 465 : 587),
            secure: cfg.secure,
            auth: cfg.user === undefined ? undefined : { user: cfg.user, pass: cfg.pass ?? '' },
            ...limits,
          });
  }

  async send(msg: OutboundMessage, signal: AbortSignal): Promise<void> {
    const mail = isPrepared(msg) ? msg.email : renderEmail(msg, { subjectPrefix: this.cfg.subjectPrefix });
    signal.throwIfAborted();
    const sending = this.transport.sendMail({
      from: this.cfg.from,
      to: this.cfg.to,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      attachments: mail.attachments.map((a) => ({ filename: a.filename, content: a.content, contentType: a.contentType })),
      headers: { 'X-Authwatch-Delivery': msg.id },
    });
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(new DeliveryError(`Email (receiver ${this.name}): the send was aborted (${abortReason(signal)}).`, { retryable: true }));
      signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      const info = await Promise.race([sending, aborted]);
      if (info.rejected.length > 0 && info.accepted.length === 0) {
        throw new DeliveryError(`Email (receiver ${this.name}): every recipient was refused: ${info.response}.`, { retryable: false });
      }
    } catch (err) {
      throw classify(this.name, err);
    } finally {
      if (onAbort) signal.removeEventListener('abort', onAbort);
      // The SMTP session ends on its own socket timeout if the race was lost to the abort.
      sending.catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    this.transport.close();
  }
}

/** smtp://user:pass@host:port, smtps:// for TLS from the start; credentials percent-decoded. */
function smtpUrlOptions(raw: string): SMTPTransport.Options {
  const u = new URL(raw);
  const secure = u.protocol === 'smtps:';
  return {
    host: u.hostname,
    port: u.port === '' ? (secure ? 465 : 587) : Number(u.port),
    secure,
    auth: u.username === '' ? undefined : { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) },
  };
}

/** A 4xx SMTP reply or a broken connection is transient; a 5xx reply (incl. 535) is permanent. */
function classify(name: string, err: unknown): DeliveryError {
  if (err instanceof DeliveryError) return err;
  const e = err as { code?: string; responseCode?: number; message?: string };
  const message = `Email (receiver ${name}): ${e.message ?? String(err)}`;
  if (typeof e.responseCode === 'number') {
    return new DeliveryError(message, { retryable: e.responseCode < 500, status: e.responseCode, cause: err });
  }
  const retryable = e.code === undefined || TRANSIENT_CODES.has(e.code);
  return new DeliveryError(message, { retryable, cause: err });
}

function abortReason(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  return reason instanceof Error && reason.name === 'TimeoutError' ? 'timed out' : 'shutting down';
}
