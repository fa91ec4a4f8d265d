import { describe, expect, it } from 'vitest';
import type { RecordMeta, ServiceRule } from '../../src/contracts.js';
import { scanAll } from './helpers.js';

const SIG = '535 Authentication failed: Bad username / password';
const syslog = `Mar  4 10:00:00 web-1 mailer[7]: ${SIG}`;
const json = JSON.stringify({ msg: SIG, service: 'from-field' });

const first = (line: string, rules: ServiceRule[] = [], meta: RecordMeta = { source: 'src-name', path: '/var/log/app.log' }, serviceFields?: string[]) =>
  scanAll(`${line}\n`, 0, { rules, ...(serviceFields ? { serviceFields } : {}) }, meta).detections[0];

describe('service resolution order', () => {
  it('explicit rule (first match) → field → key → program@host → source', () => {
    const rules: ServiceRule[] = [
      { service: 'by-host', match: { host: (v) => v === 'web-1', program: (v) => v === 'other' } },
      { service: 'by-path', match: { path: (v) => v.endsWith('app.log') } },
      { service: 'never', match: { path: () => true } },
    ];
    expect(first(syslog, rules)).toMatchObject({ service: 'by-path', serviceVia: 'rule' });
    expect(first(json)).toMatchObject({ service: 'from-field', serviceVia: 'field' });
    expect(first(json, [], { source: 's', key: 'the-key' })).toMatchObject({ service: 'from-field', serviceVia: 'field' });
    expect(first(SIG, [], { source: 's', key: 'the-key' })).toMatchObject({ service: 'the-key', serviceVia: 'kafka-key' });
    expect(first(syslog)).toMatchObject({ service: 'mailer@web-1', serviceVia: 'program', host: 'web-1', program: 'mailer' });
    expect(first(SIG)).toMatchObject({ service: 'src-name', serviceVia: 'source' });
  });

  it('rules on topic, key, source and program', () => {
    const meta = { source: 'kafka', topic: 'logs.prod', key: 'k1' };
    expect(first(SIG, [{ service: 't', match: { topic: (v) => v.startsWith('logs.') } }], meta)).toMatchObject({ service: 't' });
    expect(first(SIG, [{ service: 'k', match: { key: (v) => v === 'k1' } }], meta)).toMatchObject({ service: 'k' });
    expect(first(SIG, [{ service: 's', match: { source: (v) => v === 'kafka' } }], meta)).toMatchObject({ service: 's' });
    expect(first(syslog, [{ service: 'p', match: { program: (v) => v === 'mailer' } }])).toMatchObject({ service: 'p' });
    // A rule naming a field the line lacks does not match.
    expect(first(SIG, [{ service: 'h', match: { host: () => true } }])).toMatchObject({ serviceVia: 'source' });
  });

  it('reads dotted fields nested, flat, mixed, and as OTLP attribute lists', () => {
    const shapes: Array<[object, string]> = [
      [{ service: { name: 'nested' } }, 'nested'],
      [{ 'service.name': 'flat' }, 'flat'],
      [{ resource: { attributes: { 'service.name': 'mixed' } } }, 'mixed'],
      [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'otlp' } }] } }, 'otlp'],
      [{ kubernetes: { labels: { app: 'k8s-label' }, container_name: 'c' } }, 'k8s-label'],
      [{ kubernetes: { container_name: 'k8s-container' } }, 'k8s-container'],
      [{ container: { name: 'docker-c' } }, 'docker-c'],
      [{ fields: { service: 'filebeat-svc' } }, 'filebeat-svc'],
      [{ app: 'app-field' }, 'app-field'],
    ];
    for (const [obj, service] of shapes) {
      expect(first(JSON.stringify({ ...obj, message: SIG }))).toMatchObject({ service, serviceVia: 'field' });
    }
  });

  it('honours configured serviceFields and their order', () => {
    const line = JSON.stringify({ team: 'payments', service: 'svc', msg: SIG });
    expect(first(line, [], { source: 's' }, ['team', 'service'])).toMatchObject({ service: 'payments' });
    expect(first(line, [], { source: 's' }, ['nope'])).toMatchObject({ service: 's', serviceVia: 'source' });
  });

  it('looks inside a shipped application record', () => {
    const line = JSON.stringify({ log: JSON.stringify({ service: 'inner', msg: SIG }), stream: 'stdout' });
    expect(first(line)).toMatchObject({ service: 'inner', serviceVia: 'field' });
  });
});
