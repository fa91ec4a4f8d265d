import { createHash } from 'node:crypto';
import { KINDS, type Kind } from '../src/contracts.js';
import type { AlertStateRow, EpisodeFacts } from '../src/store/alerts-state.js';
import { KIND_SUMMARY, guideFor } from './guides.js';
import type { NotifyEvent, ResolvedBy } from './policy-states.js';

/** Bumped when a field changes meaning or goes away; new optional fields keep the version. */
export const NOTIFICATION_VERSION = 1;

/**
 * What one policy decision tells the owners. Built once, stored as the outbox payload and
 * rendered per channel at send time; the generic webhook receives it as JSON unchanged.
 * Times are ISO-8601 UTC strings. Log-derived strings (service, hosts, sources, sample) are
 * redacted but otherwise raw: every renderer escapes them for its medium.
 */
export interface Notification {
  readonly version: typeof NOTIFICATION_VERSION;
  /** Stable per decision; the same on every retry and every receiver, for de-duplication. */
  readonly id: string;
  readonly event: NotifyEvent;
  readonly service: string;
  readonly kind: Kind;
  /** `sendgrid`, or another provider when the logs show the rejection came from elsewhere. */
  readonly provider: string;
  /** One sentence: what the kind means. */
  readonly meaning: string;
  /** One line: the fix. */
  readonly fix: string;
  readonly resolved: { readonly by: ResolvedBy; readonly evidence: string | null } | null;
  readonly counts: {
    /** Rejections since the previous notification of this episode (or its start). */
    readonly window: number;
    /** Rejections in this episode. */
    readonly episode: number;
    /** Rejections of this service and kind ever stored. */
    readonly total: number;
  };
  /** The count window, clock time. */
  readonly window: { readonly from: string; readonly to: string };
  /** First rejection ever seen for this service and kind, and the latest; log time. */
  readonly firstSeen: string | null;
  readonly lastSeen: string;
  readonly episodeStart: string;
  readonly hosts: readonly string[];
  readonly sources: readonly string[];
  /** One redacted log line from the episode. */
  readonly sample: string | null;
  /** The upgrade steps; null when the rejection is not SendGrid's. */
  readonly guide: { readonly title: string; readonly steps: readonly string[]; readonly attachment: string } | null;
  readonly decidedAt: string;
}

const iso = (ms: number): string => new Date(ms).toISOString();

export const isKind = (k: string): k is Kind => (KINDS as readonly string[]).includes(k);

/** Builds the notification for a decision from the alert row (before its window is reset). */
export function buildNotification(row: AlertStateRow, event: NotifyEvent, facts: EpisodeFacts, now: number): Notification {
  if (!isKind(row.kind)) throw new Error(`Unknown kind ${row.kind} in alert state for ${row.service}.`);
  const kind = row.kind;
  const provider = facts.provider ?? 'sendgrid';
  const ours = provider === 'sendgrid';
  const guide = ours ? guideFor(kind) : null;
  const summary = KIND_SUMMARY[kind];
  return {
    version: NOTIFICATION_VERSION,
    id: createHash('sha256').update(JSON.stringify([row.service, kind, row.episode, event, now])).digest('hex').slice(0, 24),
    event,
    service: row.service,
    kind,
    provider,
    meaning: ours ? summary.meaning : `${provider} refused a login from this service; it is not a SendGrid rejection, so the SendGrid upgrade guide does not apply.`,
    fix: ours ? summary.fix : `Check the credentials this service uses for ${provider}.`,
    resolved: event === 'resolved' ? { by: row.resolvedBy === 'evidence' ? 'evidence' : 'quiet-period', evidence: row.evidence } : null,
    counts: { window: row.windowCount, episode: row.episodeCount, total: facts.total },
    window: { from: iso(row.windowStart), to: iso(now) },
    firstSeen: facts.firstAt === null ? null : iso(facts.firstAt),
    lastSeen: iso(row.lastEventAt),
    episodeStart: iso(row.firstEventAt),
    hosts: facts.hosts,
    sources: facts.sources,
    sample: facts.sample,
    guide: guide === null ? null : { title: guide.title, steps: guide.steps, attachment: attachmentName(kind) },
    decidedAt: iso(now),
  };
}

export const attachmentName = (kind: Kind): string => `${kind}-upgrade-guide.md`;

/** A short headline shared by the renderers: `billing-api: smtp_basic_auth_2fa is firing`. */
export function headline(n: Notification): string {
  const state = n.event === 'resolved' ? 'resolved' : n.event === 'repeat' ? 'still failing' : 'failing';
  return `${n.service}: ${n.kind} ${state}`;
}

/** Why the alert resolved, in words. */
export function resolvedText(n: Notification): string | null {
  if (n.resolved === null) return null;
  return n.resolved.by === 'evidence'
    ? `Resolved on evidence: ${n.resolved.evidence ?? 'a successful send was seen in the logs'}.`
    : 'Resolved after the quiet period: no new rejection was seen for a while. No success was seen in the logs, so check the fix is really in place.';
}
