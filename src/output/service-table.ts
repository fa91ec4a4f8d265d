import type { Kind } from '../contracts.js';
import { KIND_SUMMARY } from '../../alerts/guides.js';
import type { ServiceSummary } from './summary.js';
import { renderTable, shortTime } from './terminal.js';

/** The scan report for a person: one row per service, then one fix line per kind seen. */
export function renderServiceTable(services: readonly ServiceSummary[], kinds: readonly Kind[]): string {
  if (services.length === 0) return 'No SendGrid authentication rejections or password logins found.';
  const rows = services.map((s) => [
    s.service,
    Object.entries(s.kinds)
      .map(([k, n]) => `${k}×${n}`)
      .join(' '),
    String(s.count),
    shortTime(s.firstSeen),
    shortTime(s.lastSeen),
    s.hosts.join(', ') + (s.moreHosts > 0 ? ` +${s.moreHosts}` : ''),
  ]);
  const table = renderTable(['SERVICE', 'KINDS', 'COUNT', 'FIRST SEEN (UTC)', 'LAST SEEN (UTC)', 'HOSTS'], rows, 60);
  const risks = services.reduce((n, s) => n + (s.kinds.basic_auth_in_use ?? 0), 0);
  const rejections = services.reduce((n, s) => n + s.count, 0) - risks;
  const others = services.filter((s) => s.providers.some((p) => p !== 'sendgrid')).map((s) => s.service);
  const fixes = kinds.map((k) => `  ${k}: ${KIND_SUMMARY[k].fix}`);
  return [
    table,
    '',
    `${rejections} rejection(s)${risks > 0 ? ` and ${risks} password login(s) not yet rejected` : ''} from ${services.length} service(s).`,
    ...(others.length > 0 ? [`Not from SendGrid (the provider is named in --format json): ${others.join(', ')}`] : []),
    '',
    'How to fix:',
    ...fixes,
    '',
    `Full upgrade steps: authwatch explain <kind>   (e.g. authwatch explain ${kinds[0] ?? 'smtp_basic_auth_2fa'})`,
  ].join('\n');
}
