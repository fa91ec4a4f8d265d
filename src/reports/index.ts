/** Periodic and on-demand summary reports: model, builder, renderers, schedules. */
export { buildReport, change, type BuildOptions } from './build.js';
export { ReportsConfigSchema, ReportScheduleSchema, unknownReportReceivers, type ReportScheduleConfig, type ReportsConfig, type ReportsConfigInput, type ReportPeriodSpec } from './config-schema.js';
export { compileCron, isCronExpression, nextFire, previousFire, type CronSpec, type FireTime } from './cron.js';
export type { ReportDelivery } from './delivery.js';
export * from './model.js';
export { parseInstant, INSTANT_FORMS, type Period } from './period.js';
export { REPORT_FORMATS, renderFile, renderFormat, renderReport, reportFileName, reportId, type RenderedFile, type RenderedReport, type ReportFormat } from './rendered.js';
export { ReportScheduler, type Heartbeat, type ReportSchedulerOptions, type SentReport } from './scheduler.js';
export { storeSilences, type ActiveSilence, type SilenceProvider } from './silences.js';
export { isTimeZone, zone, Zone } from './time-zone.js';
export type { EmailReport } from './render/email.js';
export type { ReportJson } from './render/json.js';
export type { SlackMessage, SlackBlock } from './render/slack.js';
