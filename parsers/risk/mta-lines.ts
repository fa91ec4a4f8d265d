import { API_KEY_USERNAME } from '../credentials/index.js';
import { providerOfHost } from '../providers.js';

/** What an MTA delivery line to SendGrid told. */
export interface MtaStep {
  /** A successful delivery through SendGrid, for recovery evidence (e.g. `Postfix status=sent via smtp.sendgrid.net`). */
  readonly delivered: string | null;
  /** The outgoing login's username when it is not `apikey` (Exim only; see below). */
  readonly passwordUser: string | null;
}

const NOTHING: MtaStep = { delivered: null, passwordUser: null };

const POSTFIX_SENT_RE = /\brelay=([A-Za-z0-9.-]{1,253})\[[0-9A-Fa-f.:]{1,45}\](?::\d{1,5})?,.{0,400}?\bstatus=sent\b/;
/** Exim delivery (`=>`, `->` for a further address, `*>` for a fake one is excluded) with its host. */
const EXIM_DELIVERY_RE = / (?:=>|->) \S{1,320}.{0,800}? H=([A-Za-z0-9.-]{1,253}) (?:\([^)]{0,255}\) )?\[[0-9A-Fa-f.:]{1,45}\]/;
/** Exim's `A=authenticator:id` on a delivery line: `id` is the authenticator's client_set_id. */
const EXIM_CLIENT_ID_RE = / A=[A-Za-z0-9_-]{1,64}:(\S{1,320})/;

const isSendGrid = (host: string): boolean => providerOfHost(host) === 'sendgrid';

/**
 * Delivery lines of MTAs relaying to SendGrid.
 *
 * Which SASL usernames count as Basic auth to SendGrid: only an *outgoing* login that the line
 * ties to the SendGrid relay. Exim writes it on the delivery line (`=> ... H=smtp.sendgrid.net
 * [ip] ... A=plain:acme`) when the authenticator sets `client_set_id`. Postfix never logs the
 * username its smtp client sends; its `sasl_username=` (smtpd) is the *incoming* submitter, whose
 * password is checked by Postfix itself, so it says nothing about how Postfix logs in to SendGrid
 * and is not counted (it still names the service through queue-id correlation).
 */
export function readMtaLine(text: string, evidenceWanted: boolean): MtaStep {
  const postfix = evidenceWanted ? POSTFIX_SENT_RE.exec(text) : null;
  if (postfix !== null) {
    const host = (postfix[1] ?? '').toLowerCase();
    return isSendGrid(host) ? { delivered: `Postfix status=sent via ${host}`, passwordUser: null } : NOTHING;
  }
  const exim = EXIM_DELIVERY_RE.exec(text);
  if (exim === null) return NOTHING;
  const host = (exim[1] ?? '').toLowerCase();
  if (!isSendGrid(host)) return NOTHING;
  const user = EXIM_CLIENT_ID_RE.exec(text)?.[1] ?? null;
  const passwordUser = user !== null && user !== API_KEY_USERNAME ? user : null;
  // A delivery made with a password shows the password still works, not that it was replaced.
  return { delivered: evidenceWanted && passwordUser === null ? `Exim delivery via ${host}` : null, passwordUser };
}
