/**
 * What one `authwatch run` process does (README, "Scale-out over Kafka"). One list is the type.
 * - all: the single-process daemon: read, detect, store, alert.
 * - filter: read raw logs from Kafka, detect, publish detections to the detections topic.
 * - aggregate: read the detections topic, store, alert and report.
 */
export const ROLES = ['all', 'filter', 'aggregate'] as const;
export type Role = (typeof ROLES)[number];
