import { z } from 'zod';
import { isValidPattern } from '../src/config/patterns.js';
import { KINDS } from '../src/contracts.js';
import { parseDuration } from './duration.js';

/** Where notifications can go. One list: the schema, the channel registry and the CLI read it. */
export const CHANNEL_TYPES = ['slack', 'email', 'webhook', 'console'] as const;
export type ChannelType = (typeof CHANNEL_TYPES)[number];

/** The receiver every setup has, writing to stdout; the default when nothing else is configured. */
export const CONSOLE_RECEIVER = 'console';

const nonEmpty = z.string().min(1, 'must not be empty');
const noLineBreaks = nonEmpty.refine((s) => !/[\r\n]/.test(s), { message: 'must not contain line breaks' });

/** A duration string (`30s`, `15m`, `4h`, `1h30m`), parsed to milliseconds. */
export const durationSchema = z.string().transform((s, ctx) => {
  const ms = parseDuration(s);
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: 'expected a duration such as 30s, 15m, 4h or 1h30m' });
    return z.NEVER;
  }
  return ms;
});

const httpUrl = z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' });

const pattern = nonEmpty.refine(
  isValidPattern,
  { message: 'expected a service name, a glob (* and ?) or a valid /regular expression/' },
);

export const SlackReceiverSchema = z.strictObject({
  type: z.literal('slack'),
  /** Slack incoming-webhook URL (https://hooks.slack.com/services/...). */
  webhookUrl: httpUrl,
});

export const EmailReceiverSchema = z
  .strictObject({
    type: z.literal('email'),
    /** Recipients; at least one. */
    to: z.array(z.email({ error: 'expected an email address' })).min(1, 'needs at least one recipient'),
    /** Sender, an address or `Name <address>`. Default `authwatch <authwatch@localhost>`. */
    from: noLineBreaks.default('authwatch <authwatch@localhost>'),
    /** `smtp://user:pass@host:port` (or `smtps://` for TLS from the start); instead of host/port. */
    smtpUrl: z.url({ protocol: /^smtps?$/, error: 'expected an smtp:// or smtps:// URL' }).optional(),
    host: nonEmpty.optional(),
    /** Default 587, or 465 when secure. */
    port: z.number().int().min(1).max(65535).optional(),
    /** TLS from the first byte (port 465). Default false: STARTTLS when the server offers it. */
    secure: z.boolean().default(false),
    user: nonEmpty.optional(),
    pass: nonEmpty.optional(),
    /** Put before every subject, e.g. `[prod]`. Default none. */
    subjectPrefix: noLineBreaks.optional(),
  })
  .refine((r) => (r.smtpUrl === undefined) !== (r.host === undefined), { message: 'set exactly one of smtpUrl or host', path: ['smtpUrl'] })
  .refine((r) => (r.user === undefined) === (r.pass === undefined), { message: 'set both user and pass, or neither', path: ['user'] });

export const WebhookReceiverSchema = z.strictObject({
  type: z.literal('webhook'),
  url: httpUrl,
  /** When set, each POST carries `X-Authwatch-Signature: sha256=<hex HMAC-SHA256 of the body>`. */
  secret: nonEmpty.optional(),
  /** Extra request headers, e.g. an Authorization for the receiving end. */
  headers: z.record(z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'expected an HTTP header name'), noLineBreaks).optional(),
});

export const ConsoleReceiverSchema = z.strictObject({ type: z.literal('console') });

export const ReceiverSchema = z.discriminatedUnion('type', [SlackReceiverSchema, EmailReceiverSchema, WebhookReceiverSchema, ConsoleReceiverSchema]);
export type ReceiverConfig = z.infer<typeof ReceiverSchema>;

export const RouteSchema = z.strictObject({
  /** Service names, globs or /regexes/, matched case-insensitively; absent means every service. */
  services: z.array(pattern).min(1).optional(),
  /** Kinds this route takes; absent means every kind. */
  kinds: z.array(z.enum(KINDS)).min(1).optional(),
  /** Receiver names, from `receivers` (or the built-in `console`). */
  receivers: z.array(nonEmpty).min(1, 'needs at least one receiver'),
  /** Keep looking at later routes after this one matched. Default false: first match wins. */
  continue: z.boolean().default(false),
});
export type RouteConfig = z.infer<typeof RouteSchema>;

export const ThresholdSchema = z.strictObject({
  /** Rejections needed within `window` before the first notification of an episode. */
  count: z.number().int().min(1),
  /** Window the count is taken over, in log time. */
  window: durationSchema,
});

export const DeliverySchema = z.strictObject({
  /** Tries per message before it goes to the dead letter. Default 8. */
  maxAttempts: z.number().int().min(1).max(100).default(8),
  /** First retry delay; doubles per try, with jitter. Default 5s. */
  backoffMin: durationSchema.prefault('5s'),
  /** Longest retry delay (a 429 Retry-After may ask for longer and is honoured). Default 10m. */
  backoffMax: durationSchema.prefault('10m'),
  /** Limit for one send (HTTP request or SMTP session). Default 10s. */
  timeout: durationSchema.prefault('10s'),
  /** Messages sent at once; never two for the same service and receiver. Default 4. */
  concurrency: z.number().int().min(1).max(64).default(4),
  /** On shutdown, how long in-flight sends may finish before they are aborted. Default 5s. */
  closeGrace: durationSchema.prefault('5s'),
});

export const AlertsConfigSchema = z
  .strictObject({
    /** Wait after the first rejection of an episode, to group a burst into one message. Default 30s. */
    groupWait: durationSchema.prefault('30s'),
    /** Least time between reminders while rejections keep coming. Default 4h. */
    repeatInterval: durationSchema.prefault('4h'),
    /** Quiet period: no new rejection for this long resolves the alert. Default 1h. */
    resolveAfter: durationSchema.prefault('1h'),
    /** How often the policy looks at new events and timers. Default 1s. */
    evaluateInterval: durationSchema.prefault('1s'),
    /** Optional: notify only once `count` rejections fall within `window`. Default none. */
    threshold: ThresholdSchema.optional(),
    /** Named receivers. `console` exists without being declared. */
    receivers: z.record(nonEmpty, ReceiverSchema).default({}),
    /** Checked in order; the first match wins unless it sets `continue`. */
    routes: z.array(RouteSchema).default([]),
    /**
     * Receivers for alerts no route took. Default: every declared receiver, or `console` when
     * none is declared.
     */
    defaultReceivers: z.array(nonEmpty).min(1).optional(),
    delivery: DeliverySchema.prefault({}),
  })
  .superRefine((cfg, ctx) => {
    const known = new Set([CONSOLE_RECEIVER, ...Object.keys(cfg.receivers)]);
    const check = (names: readonly string[], path: PropertyKey[]): void => {
      names.forEach((n, i) => {
        if (!known.has(n)) ctx.addIssue({ code: 'custom', path: [...path, i], message: `names no receiver; expected one of ${[...known].join(', ')}` });
      });
    };
    cfg.routes.forEach((r, i) => check(r.receivers, ['routes', i, 'receivers']));
    if (cfg.defaultReceivers) check(cfg.defaultReceivers, ['defaultReceivers']);
    if (cfg.delivery.backoffMax < cfg.delivery.backoffMin) {
      ctx.addIssue({ code: 'custom', path: ['delivery', 'backoffMax'], message: 'must not be shorter than delivery.backoffMin' });
    }
    if (cfg.groupWait >= cfg.resolveAfter) {
      ctx.addIssue({ code: 'custom', path: ['groupWait'], message: 'must be shorter than resolveAfter, or no alert could ever fire' });
    }
  });

/** The alerts section as given in a config file (durations as strings). */
export type AlertsConfigInput = z.input<typeof AlertsConfigSchema>;
/** The validated section: durations in milliseconds, defaults applied. */
export type AlertsConfig = z.output<typeof AlertsConfigSchema>;
export type DeliveryConfig = AlertsConfig['delivery'];

/** Every default, for a daemon run with no alerts section. */
export const defaultAlertsConfig = (): AlertsConfig => AlertsConfigSchema.parse({});
