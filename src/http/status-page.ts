import { age, escapeHtml as e, utcMinute } from './html.js';
import { MIGRATION_TEXT } from '../store/service-status.js';
import type { StatusModel } from './status-model.js';
import { TREND_RANGES, type TrendRange } from './status-model.js';
import { svgTrend } from './svg-trend.js';

/** Seconds between automatic reloads of the page. */
const REFRESH_SECONDS = 30;

/**
 * Renders the read-only status page. Every string that can come from a log line or the
 * database (service names, kinds, errors, source details) goes through escapeHtml; `scrub`
 * removes configured secrets from free text such as delivery errors before it is shown.
 */
export function renderStatusPage(m: StatusModel, scrub: (s: string) => string = (s) => s): string {
  const t = (s: string): string => e(scrub(s));
  const range = TREND_RANGES[m.range];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="${REFRESH_SECONDS}">
<title>authwatch status</title>
<style>${CSS}</style>
</head>
<body>
<header>
<h1>authwatch</h1>
<p class="${m.readiness.ready ? 'ok' : 'bad'}" id="readiness">${m.readiness.ready ? 'Ready' : `Not ready: ${t(m.readiness.reasons.join('; '))}`}</p>
<p class="meta">Daemon ${e(m.daemon.state)} since ${e(utcMinute(m.daemon.startedAt))} · page generated ${e(utcMinute(m.generatedAt))} · trend: ${rangeLinks(m.range)}</p>
</header>
<main>
<section aria-labelledby="services-h">
<h2 id="services-h">Services (${m.services.length})</h2>
${m.services.length === 0 ? '<p class="empty">No rejections stored yet.</p>' : servicesTable(m, t, range.label)}
</section>
<section aria-labelledby="outbox-h">
<h2 id="outbox-h">Alert outbox</h2>
${outbox(m, t)}
</section>
<section aria-labelledby="sources-h">
<h2 id="sources-h">Sources</h2>
${sources(m, t)}
</section>
</main>
</body>
</html>
`;
}

function rangeLinks(current: TrendRange): string {
  return (Object.keys(TREND_RANGES) as TrendRange[]).map((r) => (r === current ? `<strong>${e(TREND_RANGES[r].label)}</strong>` : `<a href="?range=${r}">${e(TREND_RANGES[r].label)}</a>`)).join(' | ');
}

function servicesTable(m: StatusModel, t: (s: string) => string, rangeLabel: string): string {
  const rows = m.services.map((s) => {
    const kinds = s.kinds
      .map((k) => `<li><code>${t(k.kind)}</code> <span class="st st-${e(k.status)}">${e(k.status)}</span>${k.until === null ? '' : ` until ${e(utcMinute(k.until))}`} · ${k.count}</li>`)
      .join('');
    const inRange = s.trend.reduce((a, b) => a + b, 0);
    return `<tr data-service="${t(s.service)}">
<th scope="row">${t(s.service)}</th>
<td><span class="st st-${e(s.status)}">${e(s.status)}</span></td>
<td class="migration mg-${e(s.migration)}">${e(MIGRATION_TEXT[s.migration])}</td>
<td class="num">${s.total}</td>
<td>${e(utcMinute(s.lastAt))}</td>
<td><ul class="kinds">${kinds}</ul></td>
<td>${svgTrend(s.trend, `${inRange} events, ${rangeLabel}`)}</td>
</tr>`;
  });
  return `<table class="services"><thead><tr><th scope="col">Service</th><th scope="col">Status</th><th scope="col">Migration</th><th scope="col">Count</th><th scope="col">Last seen</th><th scope="col">Kinds</th><th scope="col">Trend (${e(rangeLabel)})</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody></table>`;
}

function outbox(m: StatusModel, t: (s: string) => string): string {
  const c = m.outbox.counts;
  const waiting = m.outbox.oldestWaitingAt === null ? '' : ` · oldest waiting for ${e(age(m.generatedAt - m.outbox.oldestWaitingAt))}`;
  const summary = `<p id="outbox-counts">pending ${c.pending} · sending ${c.sending} · delivered ${c.delivered} · <span class="${c.dead > 0 ? 'bad' : ''}">dead ${c.dead}</span>${waiting}</p>`;
  if (m.outbox.dead.length === 0) return summary;
  const rows = m.outbox.dead
    .map((d) => `<tr><td class="num">${d.id}</td><td>${t(d.service)}</td><td><code>${t(d.kind)}</code></td><td>${t(d.receiver)}</td><td class="num">${d.attempts}</td><td>${e(utcMinute(d.updatedAt))}</td><td class="err">${t(d.lastError ?? '')}</td></tr>`)
    .join('\n');
  return `${summary}
<p>Dead letter (latest ${m.outbox.dead.length}); retry with <code>authwatch alerts retry ID</code>.</p>
<table><thead><tr><th scope="col">ID</th><th scope="col">Service</th><th scope="col">Kind</th><th scope="col">Receiver</th><th scope="col">Tries</th><th scope="col">Since</th><th scope="col">Last error</th></tr></thead>
<tbody>
${rows}
</tbody></table>`;
}

function sources(m: StatusModel, t: (s: string) => string): string {
  if (m.sources.length === 0) return '<p class="empty">No sources.</p>';
  const rows = m.sources
    .map(
      (s) =>
        `<tr><th scope="row">${t(s.id)}</th><td>${e(s.type)}</td><td><span class="src src-${e(s.state)}">${e(s.state)}</span></td><td>${e(utcMinute(s.lastBatchAt))}</td><td>${e(utcMinute(s.checkpointAt))}</td><td>${t(s.detail ?? '')}</td></tr>`,
    )
    .join('\n');
  return `<table><thead><tr><th scope="col">Source</th><th scope="col">Type</th><th scope="col">State</th><th scope="col">Last batch</th><th scope="col">Last checkpoint</th><th scope="col">Detail</th></tr></thead>
<tbody>
${rows}
</tbody></table>`;
}

const CSS = `
body{font:14px/1.4 system-ui,sans-serif;margin:0 auto;max-width:1200px;padding:1rem;color:#1b1f24;background:#fff}
h1{margin:.2rem 0;font-size:1.4rem}h2{font-size:1.1rem;margin-top:1.6rem}
.meta{color:#57606a}.ok{color:#1a7f37;font-weight:600}.bad{color:#cf222e;font-weight:600}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #d0d7de;vertical-align:top}
thead th{background:#f6f8fa}.num{text-align:right;font-variant-numeric:tabular-nums}
.kinds{margin:0;padding-left:1rem}.err{font-family:ui-monospace,monospace;font-size:12px;word-break:break-word}
.st,.src{display:inline-block;padding:0 .4rem;border-radius:.6rem;font-size:12px;background:#eaeef2}
.st-failing,.src-failed,.src-retrying{background:#ffebe9;color:#a40e26}.st-acknowledged{background:#fff8c5}.st-muted{background:#eaeef2;color:#57606a}
.st-recovered,.src-running{background:#dafbe1;color:#116329}.st-quiet{background:#f6f8fa;color:#57606a}
svg.trend rect{fill:#cf222e}svg.trend .axis{stroke:#d0d7de}
.empty{color:#57606a}
`;
