import type { StateImage } from '../carried-state.js';
import { readSmtpDialogueLine } from './smtp-dialogue.js';
import { isApiKeyUser, usernameFromAuthLogin, usernameFromAuthPlain } from './smtp-auth.js';

export type SmtpAuthMechanism = 'PLAIN' | 'LOGIN';

/** A login seen in an SMTP debug log: the username only; the password is never read. */
export interface SmtpLogin {
  readonly mechanism: SmtpAuthMechanism;
  readonly username: string;
  /** True for the literal `apikey`: the password is an API key, which is what SendGrid wants. */
  readonly apiKeyUser: boolean;
  readonly connection: string | null;
}

export interface SmtpAuthTrackerOptions {
  /** Connections with an exchange in progress kept at once; the oldest is dropped past it. Default 1024. */
  readonly maxConnections?: number;
  /** Lines after which an unfinished exchange is forgotten. Lines; default 50. */
  readonly maxPendingLines?: number;
}

/** What the next client line of a connection is, once an AUTH command has started. */
type Step = 'plain-response' | 'login-username' | 'login-password';

interface Pending {
  step: Step;
  /** Line number (tracker-local) at which the exchange started; for expiry. */
  readonly since: number;
}

const AUTH_COMMAND = /^AUTH\s+([A-Za-z0-9_-]{1,20})(?:\s+(\S{1,16384}))?\s*$/i;
/** What a line needs to start an exchange: without one pending, any other line changes nothing. */
const AUTH_WORD = /auth\s/i;
const NO_CONNECTION = '';

/**
 * Follows `AUTH PLAIN` / `AUTH LOGIN` exchanges through an SMTP debug log, one stream at a time,
 * and returns each username as soon as it is seen. `AUTH LOGIN` sends the username and then the
 * password as two separate client lines: the tracker decodes the first and skips the second
 * without decoding it. A lone base64 line is only ever decoded right after `AUTH LOGIN` or
 * `AUTH PLAIN` of the same connection, so unrelated base64 is never taken for a username.
 * Memory is bounded by `maxConnections`.
 */
export class SmtpAuthTracker {
  private readonly pending = new Map<string, Pending>();
  private readonly maxConnections: number;
  private readonly maxPendingLines: number;
  private lines = 0;

  constructor(opts: SmtpAuthTrackerOptions = {}) {
    this.maxConnections = opts.maxConnections ?? 1024;
    this.maxPendingLines = opts.maxPendingLines ?? 50;
  }

  /**
   * True while some connection waits for the client's next AUTH line. A prefilter that only
   * passes lines containing `AUTH` must also pass every line while this holds, or the
   * `AUTH LOGIN` username line (plain base64) is never seen.
   */
  get awaiting(): boolean {
    return this.pending.size > 0;
  }

  /**
   * True while some connection's next client line may carry a username (after `AUTH LOGIN`
   * without an initial response, or `AUTH PLAIN` without one). False while only a password line
   * is expected: a caller that decodes the next lines only while this holds never reads one.
   */
  get awaitingUsername(): boolean {
    for (const p of this.pending.values()) if (p.step !== 'login-password') return true;
    return false;
  }

  /**
   * The exchanges in progress, oldest first: connection, step and age in lines (not the line
   * count since the tracker started, so trackers that started at different lines compare).
   */
  state(): StateImage {
    return [...this.pending].map(([conn, p]) => [conn, p.step, this.lines - p.since]);
  }

  /** Feeds one log line; returns the login whose username this line completed, else null. */
  line(text: string): SmtpLogin | null {
    this.lines++;
    if (this.pending.size === 0 && !AUTH_WORD.test(text)) return null;
    this.expire();
    const d = readSmtpDialogueLine(text);
    if (d === null) return null;
    const conn = d.connection ?? NO_CONNECTION;
    if (d.direction === 'server') {
      // 235 (success) or any 4xx/5xx ends the exchange; 334 is the server asking for more.
      if (/^[2345]\d\d(?:[ -]|$)/.test(d.payload) && !d.payload.startsWith('334')) this.pending.delete(conn);
      return null;
    }
    const cmd = AUTH_COMMAND.exec(d.payload);
    if (cmd !== null) return this.command(conn, (cmd[1] ?? '').toUpperCase(), cmd[2], d.connection);
    const p = this.pending.get(conn);
    if (p === undefined) return null;
    const payload = d.payload;
    if (payload === '*') {
      // The client cancelled the exchange (RFC 4954).
      this.pending.delete(conn);
      return null;
    }
    switch (p.step) {
      case 'plain-response':
        this.pending.delete(conn);
        return login('PLAIN', usernameFromAuthPlain(payload), d.connection);
      case 'login-username':
        p.step = 'login-password';
        return login('LOGIN', usernameFromAuthLogin(payload), d.connection);
      case 'login-password':
        // The password line: consumed, never decoded.
        this.pending.delete(conn);
        return null;
    }
  }

  private command(conn: string, mechanism: string, initial: string | undefined, connection: string | null): SmtpLogin | null {
    this.pending.delete(conn);
    // `=` is the RFC 4954 spelling of an empty initial response.
    const arg = initial === undefined || initial === '=' ? undefined : initial;
    if (mechanism === 'PLAIN') {
      if (arg === undefined) this.start(conn, 'plain-response');
      else return login('PLAIN', usernameFromAuthPlain(arg), connection);
    } else if (mechanism === 'LOGIN') {
      if (arg === undefined) this.start(conn, 'login-username');
      else {
        // smtplib sends the username as the initial response; the next client line is the password.
        this.start(conn, 'login-password');
        return login('LOGIN', usernameFromAuthLogin(arg), connection);
      }
    }
    return null;
  }

  private start(conn: string, step: Step): void {
    if (this.pending.size >= this.maxConnections) {
      const oldest = this.pending.keys().next();
      if (oldest.done !== true) this.pending.delete(oldest.value);
    }
    this.pending.set(conn, { step, since: this.lines });
  }

  /** Entries are kept in start order (`start` re-inserts), so the expired ones are at the front. */
  private expire(): void {
    for (const [conn, p] of this.pending) {
      if (this.lines - p.since <= this.maxPendingLines) break;
      this.pending.delete(conn);
    }
  }
}

function login(mechanism: SmtpAuthMechanism, username: string | null, connection: string | null): SmtpLogin | null {
  return username === null ? null : { mechanism, username, apiKeyUser: isApiKeyUser(username), connection };
}
