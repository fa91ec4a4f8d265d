import nodemailer from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import type { ReceiverConfig } from '../../alerts/config-schema.js';
import { errorMessage } from '../errors.js';
import { fail, ok, type CheckResult } from './check.js';

type EmailReceiver = Extract<ReceiverConfig, { type: 'email' }>;

/** Connection, greeting and idle limits for the check. Milliseconds. */
const TIMEOUT_MS = 8_000;

/**
 * Connects to the receiver's SMTP server, says EHLO, upgrades with STARTTLS when offered and
 * logs in when credentials are configured (nodemailer's verify()): no message is sent.
 */
export async function checkSmtpReceiver(name: string, r: EmailReceiver): Promise<CheckResult[]> {
  const label = `smtp ${name}`;
  const options = transportOptions(r);
  const where = `${options.host ?? '?'}:${options.port ?? '?'}`;
  const transport = nodemailer.createTransport({ ...options, connectionTimeout: TIMEOUT_MS, greetingTimeout: TIMEOUT_MS, socketTimeout: TIMEOUT_MS });
  try {
    await transport.verify();
    return [ok(label, `${where} accepted the connection${options.auth ? ' and the login' : ' (no login configured)'}; no mail was sent.`)];
  } catch (err) {
    return [explain(label, where, options, err)];
  } finally {
    transport.close();
  }
}

function explain(label: string, where: string, options: SMTPTransport.Options, err: unknown): CheckResult {
  const e = err as { code?: string; responseCode?: number; response?: string };
  const detail = errorMessage(err).replace(/\.$/, '');
  switch (e.code) {
    case 'EAUTH':
      return fail(label, `${where} refused the login of ${options.auth?.user ?? '(no user)'}: ${detail}.`, 'Check the user and password (smtpUrl or user/pass; percent-encode special characters in a URL). For SendGrid the user is the literal `apikey` and the password an API key with Mail Send access.');
    case 'ECONNECTION':
    case 'ECONNREFUSED':
    case 'ETIMEDOUT':
    case 'EDNS':
    case 'ESOCKET':
      return fail(label, `cannot talk to ${where}: ${detail}.`, 'Check host and port (587 with STARTTLS, 465 with secure: true or smtps://), DNS, and that outbound SMTP is allowed from this host.');
    case 'ETLS':
      return fail(label, `TLS with ${where} failed: ${detail}.`, 'Use port 465 with secure: true (smtps://) or 587 without it; check the server certificate.');
    default:
      return fail(label, `${where}: ${detail}.`, 'Read the server reply above; test the same settings with another SMTP client to compare.');
  }
}

/** The same settings the email channel uses. */
function transportOptions(r: EmailReceiver): SMTPTransport.Options {
  if (r.smtpUrl !== undefined) {
    const u = new URL(r.smtpUrl);
    const secure = u.protocol === 'smtps:';
    return {
      host: u.hostname,
      port: u.port === '' ? (secure ? 465 : 587) : Number(u.port),
      secure,
      ...(u.username !== '' && { auth: { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) } }),
    };
  }
  return {
    host: r.host,
    port: r.port ?? (r.secure ? 465 : 587),
    secure: r.secure,
    ...(r.user !== undefined && { auth: { user: r.user, pass: r.pass ?? '' } }),
  };
}
