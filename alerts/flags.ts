import { ConfigError } from '../src/errors.js';
import { EmailReceiverSchema, SlackReceiverSchema, WebhookReceiverSchema, defaultAlertsConfig, type AlertsConfig, type ReceiverConfig } from './config-schema.js';
import { parseDuration } from './duration.js';

/**
 * The `run` command's quick alert flags (each also read from the environment by the CLI layer:
 * AUTHWATCH_SLACK_WEBHOOK, AUTHWATCH_WEBHOOK, AUTHWATCH_EMAIL_TO, AUTHWATCH_SMTP_URL,
 * AUTHWATCH_GROUP_WAIT). Empty strings count as not given.
 */
export interface AlertFlags {
  readonly slackWebhook?: string | undefined;
  readonly webhook?: string | undefined;
  /** One address or a comma-separated list. */
  readonly emailTo?: string | undefined;
  /** `smtp://user:pass@host:port`; required with emailTo. */
  readonly smtpUrl?: string | undefined;
  /** Sender address; default `authwatch <authwatch@localhost>`. */
  readonly emailFrom?: string | undefined;
  readonly groupWait?: string | undefined;
}

/** Receiver names the flags create, so routes in a config file can refer to them. */
export const FLAG_RECEIVERS = { slackWebhook: 'slack', webhook: 'webhook', email: 'email' } as const;

/**
 * Turns the quick flags into an alerts section: one receiver per flag, all on the default
 * route, and groupWait when given. With `base` (the config file's section) the flag receivers
 * are added to it (replacing a receiver of the same name) and groupWait overrides. Problems name
 * the flag and are thrown together as a ConfigError.
 */
export function alertsConfigFromFlags(flags: AlertFlags, base: AlertsConfig = defaultAlertsConfig()): AlertsConfig {
  const problems: string[] = [];
  const given = (v: string | undefined): v is string => v !== undefined && v.trim() !== '';
  const receivers: Record<string, ReceiverConfig> = {};

  const add = (flag: string, name: string, parsed: { success: true; data: ReceiverConfig } | { success: false; error: { issues: ReadonlyArray<{ path: PropertyKey[]; message: string }> } }): void => {
    if (parsed.success) receivers[name] = parsed.data;
    else for (const i of parsed.error.issues) problems.push(`${flag}${i.path.length > 0 ? ` (${i.path.map(String).join('.')})` : ''}: ${i.message}`);
  };

  if (given(flags.slackWebhook)) add('--slack-webhook', FLAG_RECEIVERS.slackWebhook, SlackReceiverSchema.safeParse({ type: 'slack', webhookUrl: flags.slackWebhook.trim() }));
  if (given(flags.webhook)) add('--webhook', FLAG_RECEIVERS.webhook, WebhookReceiverSchema.safeParse({ type: 'webhook', url: flags.webhook.trim() }));
  if (given(flags.emailTo) || given(flags.smtpUrl)) {
    if (!given(flags.emailTo)) problems.push('--smtp-url is set but --email-to is not; give the recipients with --email-to ADDR[,ADDR...]');
    else if (!given(flags.smtpUrl)) problems.push('--email-to is set but --smtp-url is not; give the server as --smtp-url smtp://user:pass@host:port');
    else {
      const to = flags.emailTo.split(',').map((s) => s.trim()).filter((s) => s !== '');
      add('--email-to/--smtp-url', FLAG_RECEIVERS.email, EmailReceiverSchema.safeParse({ type: 'email', to, smtpUrl: flags.smtpUrl.trim(), ...(given(flags.emailFrom) ? { from: flags.emailFrom } : {}) }));
    }
  }
  let groupWait = base.groupWait;
  if (given(flags.groupWait)) {
    const ms = parseDuration(flags.groupWait);
    if (ms === undefined) problems.push(`--group-wait is ${JSON.stringify(flags.groupWait)}; expected a duration such as 30s, 15m or 4h`);
    else if (ms >= base.resolveAfter) problems.push(`--group-wait is ${flags.groupWait}; it must be shorter than resolveAfter (${base.resolveAfter / 1000} s)`);
    else groupWait = ms;
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const names = Object.keys(receivers);
  return {
    ...base,
    groupWait,
    receivers: { ...base.receivers, ...receivers },
    // An explicit default route keeps its receivers and gains the flag ones; otherwise every
    // declared receiver (now including the flag ones) is the default.
    defaultReceivers: base.defaultReceivers === undefined ? undefined : [...new Set([...base.defaultReceivers, ...names])],
  };
}
