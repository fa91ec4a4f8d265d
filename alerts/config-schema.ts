import { z } from 'zod';

/** Placeholder: the alerts section of the daemon's config. */
export const AlertsConfigSchema = z.object({}).strict();
export type AlertsConfig = z.infer<typeof AlertsConfigSchema>;
