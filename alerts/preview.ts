import type { Kind } from '../src/contracts.js';
import type { Db } from '../src/store/db.js';
import { episodeFacts, getAlertState, type AlertStateRow } from '../src/store/alerts-state.js';
import { listServiceKinds } from '../src/store/services.js';
import { CONSOLE_RECEIVER, type AlertsConfig } from './config-schema.js';
import { buildNotification, type Notification } from './notification.js';
import type { NotifyEvent } from './policy-states.js';
import { renderConsole } from './render/console.js';
import { renderEmail } from './render/email.js';
import { renderSlack } from './render/slack.js';
import { renderWebhook } from './render/webhook.js';
import { compileRouter } from './routing.js';

/**
 * The notification a (service, kind) would produce now, from what the store holds: the current
 * episode when there is an alert state, otherwise every stored event. Undefined when the store
 * has no event for it.
 */
export function previewNotification(db: Db, service: string, kind: Kind, now: number, event: NotifyEvent = 'firing'): Notification | undefined {
  const state = getAlertState(db, service, kind);
  const totals = listServiceKinds(db, { service }).find((r) => r.kind === kind);
  if (totals === undefined) return undefined;
  const row: AlertStateRow = state ?? {
    service,
    kind,
    state: 'pending',
    episode: 1,
    since: now,
    firstSeenAt: now,
    lastSeenAt: now,
    firstEventId: 0,
    lastEventId: 0,
    firstEventAt: totals.firstAt,
    lastEventAt: totals.lastAt,
    episodeCount: totals.count,
    windowCount: totals.count,
    windowStart: totals.firstAt,
    notifiedAt: null,
    resolvedBy: null,
    evidence: null,
    evidenceAt: null,
  };
  return buildNotification(row, event, episodeFacts(db, service, kind, row.firstEventId), now);
}

/** The kinds stored for a service, most recent first. */
export function storedKinds(db: Db, service: string): Kind[] {
  return listServiceKinds(db, { service }).map((r) => r.kind as Kind);
}

/**
 * What each receiver of the notification's route would get, as text for a terminal. Secrets
 * stay out: webhook and Slack URLs are cut to their origin, SMTP credentials are not shown.
 */
export function renderPreview(config: AlertsConfig, n: Notification, now: number): string {
  const out: string[] = [];
  for (const r of compileRouter(config)(n.service, n.kind)) {
    const cfg = r.name === CONSOLE_RECEIVER && config.receivers[r.name] === undefined ? { type: 'console' as const } : config.receivers[r.name];
    if (cfg === undefined) continue;
    out.push(`=== receiver ${r.name} (${cfg.type}) ===`);
    switch (cfg.type) {
      case 'slack':
        out.push(`POST ${origin(cfg.webhookUrl)}/… (incoming webhook)`, JSON.stringify(renderSlack(n), null, 2));
        break;
      case 'webhook': {
        const req = renderWebhook(n, { secret: cfg.secret, headers: cfg.headers, now });
        out.push(`POST ${origin(cfg.url)}/…`, ...Object.entries(req.headers).map(([k, v]) => `${k}: ${v}`), '', JSON.stringify(JSON.parse(req.body), null, 2));
        break;
      }
      case 'email': {
        const mail = renderEmail(n, { subjectPrefix: cfg.subjectPrefix });
        out.push(
          `From: ${cfg.from}`,
          `To: ${cfg.to.join(', ')}`,
          `Subject: ${mail.subject}`,
          ...mail.attachments.map((a) => `Attachment: ${a.filename} (${a.contentType}, ${Buffer.byteLength(a.content)} bytes)`),
          `HTML part: ${Buffer.byteLength(mail.html)} bytes`,
          '',
          mail.text,
        );
        break;
      }
      case 'console':
        out.push(renderConsole(n));
        break;
    }
  }
  return `${out.join('\n')}\n`;
}

const origin = (url: string): string => {
  try {
    return new URL(url).origin;
  } catch {
    return '(invalid URL)';
  }
};
