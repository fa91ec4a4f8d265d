import type { Command } from 'commander';
import type { CliContext } from '../io.js';
import { registerScan } from './scan.js';
import { registerRun } from './run.js';
import { registerServices } from './services.js';
import { registerExplain } from './explain.js';
import { registerAudit } from './audit.js';
import { registerImportActivity } from './import-activity.js';
import { registerReport } from './report.js';
import { registerAck } from './ack.js';
import { registerMute } from './mute.js';
import { registerAlerts } from './alerts.js';
import { registerAlertPreview } from './alert-preview.js';
import { registerDoctor } from './doctor.js';

export type RegisterCommand = (program: Command, ctx: CliContext) => void;

/** Every CLI command, in the order --help lists them. */
export const COMMANDS: readonly RegisterCommand[] = [registerScan, registerRun, registerServices, registerExplain, registerAck, registerMute, registerAlerts, registerAlertPreview, registerReport, registerAudit, registerImportActivity, registerDoctor];
