import type { Channel } from '../../src/contracts.js';
import type { StateImage } from '../carried-state.js';
import type { LookbackWindow } from '../lookback-window.js';
import { RISK_SIGNALS, type SignatureHit } from '../signatures.js';
import { HttpRequestWatch } from './http-watch.js';
import { readMtaLine } from './mta-lines.js';
import { SmtpLoginWatch } from './smtp-login-watch.js';

/** A success seen on a line, before its service is known. */
export interface EvidenceSeen {
  readonly channel: Channel;
  /** What was seen, for the recovered notification, e.g. `SMTP 235 for apikey`. */
  readonly evidence: string;
}

export interface LineSignals {
  readonly hits: readonly SignatureHit[];
  readonly evidence: readonly EvidenceSeen[];
}

const NONE: LineSignals = { hits: [], evidence: [] };

const hit = (signature: SignatureHit['signature'], credential: string | null): SignatureHit =>
  credential === null ? { signature, index: 0 } : { signature, index: 0, credential };

/**
 * The per-stream state behind `basic_auth_in_use` and recovery evidence: SMTP client dialogues,
 * HTTP requests, MTA delivery lines. Fed every examined line in stream order: the prefilter's
 * candidates, plus the few lines after an exchange that awaits its next line (`wantsNext`), which
 * the scanner then reads although they carry no needle. Memory is bounded by the watches.
 */
export class StreamSignals {
  private readonly smtp = new SmtpLoginWatch();
  private readonly http = new HttpRequestWatch();

  constructor(private readonly window: LookbackWindow) {}

  /** Whether the next line must be examined even without a needle. */
  wantsNext(): boolean {
    return this.smtp.wantsNext() || this.http.wantsNext();
  }

  /** The watches' state, for ByteStreamScanner.carriedState (the window is the scanner's). */
  state(): StateImage {
    return { smtp: this.smtp.state(), http: this.http.state() };
  }

  /** Reads one examined line starting at stream offset `start` (the window holds what precedes it). */
  examine(text: string, start: number, evidenceWanted: boolean): LineSignals {
    // Most examined lines carry nothing: the lists are made only for a line that does.
    let hits: SignatureHit[] | undefined;
    let evidence: EvidenceSeen[] | undefined;
    const smtp = this.smtp.line(text, start, this.window, evidenceWanted);
    if (smtp.passwordLogin !== null) (hits ??= []).push(hit(RISK_SIGNALS.smtpPasswordLogin, smtp.passwordLogin.username));
    if (smtp.apiKeyAccepted) (evidence ??= []).push({ channel: 'smtp', evidence: 'SMTP 235 for apikey' });
    const http = this.http.line(text, start, this.window, evidenceWanted);
    if (http.risk !== null) (hits ??= []).push(hit(http.risk.v2 ? RISK_SIGNALS.apiV2Call : RISK_SIGNALS.apiBasicAuth, http.risk.credential));
    if (http.accepted) (evidence ??= []).push({ channel: 'api', evidence: 'API 202 from api.sendgrid.com/v3/mail/send' });
    const mta = readMtaLine(text, evidenceWanted);
    if (mta.passwordUser !== null) (hits ??= []).push(hit(RISK_SIGNALS.mtaPasswordLogin, mta.passwordUser));
    if (mta.delivered !== null) (evidence ??= []).push({ channel: 'smtp', evidence: mta.delivered });
    return hits === undefined && evidence === undefined ? NONE : { hits: hits ?? [], evidence: evidence ?? [] };
  }
}
