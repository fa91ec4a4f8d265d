import { isIP } from 'node:net';
import { validate as validateCron } from 'node-cron';
import type { Config } from '../config/schema.js';
import { fail, ok, warn, type CheckResult } from './check.js';

/** Hosts that only this machine can reach. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost') || h === '::1') return true;
  return isIP(h) === 4 && h.startsWith('127.');
}

/**
 * A webhook URL must be HTTPS: it carries alert contents, and for Slack the URL itself is the
 * credential. Plain HTTP is accepted for loopback only (a local relay), with a warning. The URL
 * is never printed: only the receiver name and host.
 */
export function checkWebhookUrl(receiver: string, type: 'slack' | 'webhook', raw: string): CheckResult {
  const name = `${type} ${receiver}`;
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return fail(name, 'the URL is not a valid absolute URL.', 'Copy the full URL, starting with https://.');
  }
  if (u.protocol === 'https:') {
    if (type === 'slack' && !/(^|\.)slack(-gov)?\.com$/.test(u.hostname)) return warn(name, `https to ${u.hostname}, which is not a Slack host.`, 'Use the incoming-webhook URL Slack gave you (https://hooks.slack.com/services/...), unless this is a relay on purpose.');
    return ok(name, `https to ${u.hostname}.`);
  }
  if (u.protocol === 'http:' && isLoopback(u.hostname)) return warn(name, `plain http to ${u.hostname} (loopback).`, 'Fine for a local relay; use https for anything that leaves this host.');
  if (u.protocol === 'http:') return fail(name, `plain http to ${u.hostname}: the alerts${type === 'slack' ? ' and the webhook token' : ''} would travel unencrypted.`, 'Use the https:// URL.');
  return fail(name, `the URL scheme is ${u.protocol.replace(/:$/, '')}.`, 'Use an https:// URL.');
}

/** Each report schedule's cron expression parses (node-cron syntax), when a `reports` section exists. */
export function checkReportCrons(config: Readonly<Config>): CheckResult[] {
  const reports = (config as { reports?: unknown }).reports;
  if (!Array.isArray(reports)) return [];
  return reports.map((r: unknown, i) => {
    const s = (r ?? {}) as { name?: unknown; cron?: unknown };
    const name = `report ${typeof s.name === 'string' ? s.name : `#${i + 1}`}`;
    const cron = typeof s.cron === 'string' ? s.cron : '';
    return validateCron(cron)
      ? ok(name, `cron "${cron}" parses.`)
      : fail(name, `cron "${cron}" does not parse.`, 'Write 5 fields (minute hour day-of-month month day-of-week), or 6 with seconds first, e.g. "0 8 * * 1" for Mondays at 08:00.');
  });
}

/** The HTTP server's exposure: off, loopback, or reachable from elsewhere. */
export function checkHttp(config: Readonly<Config>): CheckResult[] {
  const http = config.http;
  if (!http) return [];
  const where = `${http.host}:${http.port}`;
  const posts = http.token ? 'the ack, mute and retry endpoints are on (a bearer token is set)' : 'read-only (without a bearer token the ack, mute and retry endpoints are off)';
  if (isLoopback(http.host)) return [ok('http', `listens on ${where}, loopback only; ${posts}.`)];
  return [warn('http', `listens on ${where}, reachable from other hosts; ${posts}.`, 'The status page and metrics need no token; keep the port behind a firewall or a reverse proxy with authentication, or bind to 127.0.0.1.')];
}
