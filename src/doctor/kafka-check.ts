import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { Kafka, logLevel, type Admin, type SASLOptions } from 'kafkajs';
import type { KafkaSourceConfig } from '../config/schema.js';
import { errorMessage } from '../errors.js';
import { fail, ok, warn, type CheckResult } from './check.js';

/** Per-connection and per-request limits for the checks. Milliseconds. */
const CONNECT_TIMEOUT_MS = 3_000;
const REQUEST_TIMEOUT_MS = 5_000;

/**
 * Brokers reachable, authentication accepted, topics present, consumer group accessible. Uses a
 * kafkajs admin client directly: the source's client module wraps a consumer only. The group
 * is described and its committed offsets fetched (the rights a member needs), but not joined:
 * joining would make a running daemon's group rebalance.
 */
export async function checkKafkaSource(id: string, source: KafkaSourceConfig): Promise<CheckResult[]> {
  const name = `kafka ${id}`;
  let admin: Admin;
  try {
    admin = new Kafka({
      clientId: `${source.clientId}-doctor`,
      brokers: [...source.brokers],
      ssl: tls(source.tls),
      sasl: sasl(source.sasl),
      connectionTimeout: CONNECT_TIMEOUT_MS,
      requestTimeout: REQUEST_TIMEOUT_MS,
      retry: { retries: 1, initialRetryTime: 200, maxRetryTime: 1_000 },
      logLevel: logLevel.NOTHING,
    }).admin();
  } catch (err) {
    return [fail(name, `the Kafka settings are not usable: ${errorMessage(err)}.`, 'Check the tls files (caFile, certFile, keyFile) exist and hold PEM text.')];
  }
  const results: CheckResult[] = [];
  try {
    try {
      await admin.connect();
      const cluster = await admin.describeCluster();
      results.push(ok(name, `brokers reachable${source.sasl ? ' and login accepted' : ''} (${cluster.brokers.length} broker(s), controller ${cluster.controller ?? 'unknown'}).`));
    } catch (err) {
      results.push(connectFailure(name, source, err));
      return results;
    }
    const topics = await checkTopics(name, admin, source);
    results.push(topics.result);
    results.push(await checkGroup(name, admin, source, topics.present));
    return results;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

function connectFailure(name: string, source: KafkaSourceConfig, err: unknown): CheckResult {
  const text = causeChain(err);
  const brokers = source.brokers.join(', ');
  if (/SASL|authenticat/i.test(text)) {
    return fail(name, `the brokers refused the login of ${source.sasl?.username ?? '(no user)'}: ${text}.`, 'Check sources[].sasl (mechanism, username, password) against the broker\'s users; the password usually comes from an environment variable.');
  }
  if (/ssl|tls|certificate|handshake/i.test(text)) {
    return fail(name, `TLS with the brokers failed: ${text}.`, 'Check sources[].tls: the CA that signed the broker certificate (caFile), and that the brokers listen with TLS on these ports.');
  }
  return fail(name, `no broker answered (${brokers}): ${text}.`, 'Check the host:port list against the brokers\' advertised listeners, that they run, and that this host may connect (firewall, security groups).');
}

/** Checks the configured topics; `present` are those that exist, for the group check. */
async function checkTopics(name: string, admin: Admin, source: KafkaSourceConfig): Promise<{ result: CheckResult; present: string[] }> {
  try {
    const topics = await admin.listTopics();
    if (source.topics) {
      const present = source.topics.filter((t) => topics.includes(t));
      const missing = source.topics.filter((t) => !topics.includes(t));
      if (missing.length > 0) return { present, result: fail(name, `topic(s) ${missing.join(', ')} do not exist (or this user may not see them).`, 'Create the topics, correct their names, or grant DESCRIBE on them to this user.') };
      return { present, result: ok(name, `topic(s) ${source.topics.join(', ')} exist.`) };
    }
    const re = new RegExp(source.topicPattern ?? '');
    const matched = topics.filter((t) => re.test(t));
    if (matched.length === 0) return { present: [], result: warn(name, `no topic matches ${source.topicPattern} yet.`, 'Correct the pattern if it should match existing topics; topics created later are picked up when the consumer re-subscribes.') };
    return { present: matched, result: ok(name, `${matched.length} topic(s) match ${source.topicPattern}.`) };
  } catch (err) {
    return { present: [], result: fail(name, `cannot list topics: ${causeChain(err)}.`, 'Grant this user DESCRIBE on the cluster\'s topics.') };
  }
}

async function checkGroup(name: string, admin: Admin, source: KafkaSourceConfig, topics: readonly string[]): Promise<CheckResult> {
  try {
    const { groups } = await admin.describeGroups([source.groupId]);
    const g = groups[0];
    if (topics.length > 0) await admin.fetchOffsets({ groupId: source.groupId, topics: [...topics] });
    const state = g && g.state !== 'Dead' ? `${g.state}, ${g.members.length} member(s)` : 'not created yet; the first consumer creates it';
    return ok(name, `consumer group ${source.groupId} is accessible (${state}).`);
  } catch (err) {
    return fail(name, `consumer group ${source.groupId} is not accessible: ${causeChain(err)}.`, 'Grant this user READ on the group and on the topics (Kafka ACLs), or use a group id it may use.');
  }
}

/** kafkajs wraps the real cause (retries exceeded → connection error); the chain says more. */
function causeChain(err: unknown): string {
  const parts: string[] = [];
  let e: unknown = err;
  for (let i = 0; i < 4 && e; i++) {
    const m = errorMessage(e);
    if (!parts.includes(m)) parts.push(m);
    e = (e as { originalError?: unknown; cause?: unknown }).originalError ?? (e as { cause?: unknown }).cause;
  }
  return parts.join(': ').replace(/\.$/, '');
}

function tls(t: KafkaSourceConfig['tls']): ConnectionOptions | boolean | undefined {
  if (t === undefined || typeof t === 'boolean') return t;
  const read = (p: string | undefined) => (p === undefined ? undefined : readFileSync(p, 'utf8'));
  return { ca: read(t.caFile), cert: read(t.certFile), key: read(t.keyFile), rejectUnauthorized: t.rejectUnauthorized };
}

function sasl(s: KafkaSourceConfig['sasl']): SASLOptions | undefined {
  if (!s) return undefined;
  switch (s.mechanism) {
    case 'plain':
      return { mechanism: 'plain', username: s.username, password: s.password };
    case 'scram-sha-256':
      return { mechanism: 'scram-sha-256', username: s.username, password: s.password };
    case 'scram-sha-512':
      return { mechanism: 'scram-sha-512', username: s.username, password: s.password };
  }
}
