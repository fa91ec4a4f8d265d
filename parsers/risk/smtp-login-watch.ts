import { SmtpAuthTracker, readSmtpDialogueLine, type SmtpLogin } from '../credentials/index.js';
import type { StateImage } from '../carried-state.js';
import type { LookbackWindow } from '../lookback-window.js';
import { smtpPeerBefore } from './smtp-peer.js';

/**
 * Lines read after a line that leaves an exchange waiting (the AUTH LOGIN username after `334`,
 * the server's verdict on an `apikey` login). Lines; 8. A handshake step is 1 to 3 lines.
 */
export const SMTP_LOOKAHEAD_LINES = 8;
/** `apikey` logins whose verdict is awaited at once, per stream; the oldest goes first. */
const MAX_VERDICTS = 64;
const NO_CONNECTION = '';

/** What one SMTP debug-log line told. */
export interface SmtpStep {
  /** A login to SendGrid whose username is not `apikey`: Basic authentication in use. */
  readonly passwordLogin: SmtpLogin | null;
  /** The server accepted (`235`) an `apikey` login to SendGrid: the service sends with a key. */
  readonly apiKeyAccepted: boolean;
}

const NOTHING: SmtpStep = { passwordLogin: null, apiKeyAccepted: false };

/**
 * Follows SMTP client debug logs (nodemailer, PHPMailer, swaks, smtplib, net-smtp) for one
 * stream. A login counts only when its connection talks to SendGrid (see smtpPeerBefore): a
 * Gmail login with a username is not our business. Usernames are decoded from base64; the
 * password is never decoded (SmtpAuthTracker skips the AUTH LOGIN password line).
 */
export class SmtpLoginWatch {
  private readonly tracker = new SmtpAuthTracker();
  /** Connections whose `apikey` login to SendGrid waits for the server's reply. */
  private readonly verdicts = new Set<string>();
  private lookahead = 0;

  /** Whether the line after the last one fed must be read although it carries no needle. */
  wantsNext(): boolean {
    return this.lookahead > 0 && (this.tracker.awaitingUsername || this.verdicts.size > 0);
  }

  /** The exchanges followed and the lines still to read for them, for ByteStreamScanner.carriedState. */
  state(): StateImage {
    return { tracker: this.tracker.state(), verdicts: [...this.verdicts], lookahead: this.lookahead };
  }

  /**
   * Feeds one examined line. `start` is its stream offset (the window holds the lines before it);
   * `evidenceWanted` enables following `apikey` logins to their `235`.
   */
  line(text: string, start: number, window: LookbackWindow, evidenceWanted: boolean): SmtpStep {
    if (this.lookahead > 0) this.lookahead--;
    const waitedBefore = this.tracker.awaitingUsername;
    const login = this.tracker.line(text);
    if (!waitedBefore && this.tracker.awaitingUsername) this.lookahead = SMTP_LOOKAHEAD_LINES;
    if (login !== null) return this.onLogin(login, start, window, evidenceWanted);
    if (this.verdicts.size === 0) return NOTHING;
    const d = readSmtpDialogueLine(text);
    if (d === null || d.direction !== 'server') return NOTHING;
    const conn = d.connection ?? NO_CONNECTION;
    if (!this.verdicts.has(conn) || !/^[2345]\d\d(?:[ -]|$)/.test(d.payload) || d.payload.startsWith('334')) return NOTHING;
    this.verdicts.delete(conn);
    return { passwordLogin: null, apiKeyAccepted: d.payload.startsWith('235') };
  }

  private onLogin(login: SmtpLogin, start: number, window: LookbackWindow, evidenceWanted: boolean): SmtpStep {
    if (login.apiKeyUser && !evidenceWanted) return NOTHING;
    const peer = smtpPeerBefore(window, start, login.connection);
    if (peer?.provider !== 'sendgrid') return NOTHING;
    if (!login.apiKeyUser) return { passwordLogin: login, apiKeyAccepted: false };
    const conn = login.connection ?? NO_CONNECTION;
    this.verdicts.delete(conn);
    if (this.verdicts.size >= MAX_VERDICTS) {
      const oldest = this.verdicts.values().next();
      if (oldest.done !== true) this.verdicts.delete(oldest.value);
    }
    this.verdicts.add(conn);
    this.lookahead = SMTP_LOOKAHEAD_LINES;
    return NOTHING;
  }
}
