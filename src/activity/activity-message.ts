/**
 * One message of a SendGrid Email Activity export or API answer, reduced to what tells whether
 * it was sent with an API key and who sent it. Recipients and subjects are not kept: they are
 * personal data that the report does not need.
 */
export interface ActivityMessage {
  readonly msgId: string;
  readonly fromEmail: string | null;
  readonly subuser: string | null;
  readonly categories: readonly string[];
  readonly status: string | null;
  /** The API key id the message was sent with; null when the field is empty or absent. */
  readonly apiKeyId: string | null;
  /** ISO-8601 time of the message's last event, when the record carries one. */
  readonly lastEventTime: string | null;
}

// Field names seen in exports (UI CSV, API JSON, hand-made NDJSON), matched case-insensitively.
const ALIASES = {
  msgId: ['msg_id', 'message_id', 'sg_message_id', 'msgid'],
  fromEmail: ['from_email', 'from'],
  subuser: ['subuser', 'subuser_username', 'subuser_name'],
  categories: ['categories', 'category'],
  status: ['status'],
  apiKeyId: ['api_key_id'],
  lastEventTime: ['last_event_time', 'processed', 'timestamp', 'event_time'],
} as const;

/** The field that decides; an export without it cannot tell key logins from password logins. */
export const API_KEY_FIELD = 'api_key_id';

type Loose = Readonly<Record<string, unknown>>;

function pick(rec: Loose, names: readonly string[]): unknown {
  for (const [k, v] of Object.entries(rec)) {
    if (names.includes(k.trim().toLowerCase())) return v;
  }
  return undefined;
}

const text = (v: unknown): string | null => {
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v !== 'string') return null;
  const t = v.trim();
  return t === '' || t.toLowerCase() === 'null' ? null : t;
};

/** Whether a record has an `api_key_id` field at all (empty or not). */
export const hasApiKeyField = (rec: Loose): boolean => Object.keys(rec).some((k) => k.trim().toLowerCase() === API_KEY_FIELD);

/** Normalises one record; null when it has no message id (nothing stable to store it under). */
export function toActivityMessage(rec: Loose): ActivityMessage | null {
  const msgId = text(pick(rec, ALIASES.msgId));
  if (msgId === null) return null;
  return {
    msgId,
    fromEmail: text(pick(rec, ALIASES.fromEmail))?.toLowerCase() ?? null,
    subuser: text(pick(rec, ALIASES.subuser)),
    categories: categoriesOf(pick(rec, ALIASES.categories)),
    status: text(pick(rec, ALIASES.status)),
    apiKeyId: text(pick(rec, ALIASES.apiKeyId)),
    lastEventTime: timeOf(pick(rec, ALIASES.lastEventTime)),
  };
}

/** Categories arrive as an array (API), a JSON array in a CSV cell, or a comma/semicolon list. */
function categoriesOf(v: unknown): string[] {
  if (Array.isArray(v)) return v.map(text).filter((c): c is string => c !== null);
  const s = text(v);
  if (s === null) return [];
  if (s.startsWith('[')) {
    try {
      return categoriesOf(JSON.parse(s) as unknown);
    } catch {
      // Not JSON after all: fall through to the list form.
    }
  }
  return s.split(/[,;]/).map((c) => c.trim()).filter((c) => c !== '');
}

/** ISO strings pass through (normalised); numbers are epoch seconds (or milliseconds when that large). */
function timeOf(v: unknown): string | null {
  const s = text(v);
  if (s === null) return null;
  const n = Number(s);
  const ms = Number.isFinite(n) ? (n < 1e11 ? n * 1000 : n) : Date.parse(s);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}
