import type { Command } from 'commander';
import type { CliContext } from '../io.js';

export type RegisterCommand = (program: Command, ctx: CliContext) => void;

interface CommandModule {
  /** The command names the module registers. */
  readonly names: readonly string[];
  readonly load: () => Promise<RegisterCommand>;
}

/**
 * Every CLI command, in the order --help lists them. Modules load on demand: a `scan` does not
 * pay for loading mail, Kafka, reports and telemetry code it never runs.
 */
export const COMMAND_MODULES: readonly CommandModule[] = [
  { names: ['scan'], load: async () => (await import('./scan.js')).registerScan },
  { names: ['run'], load: async () => (await import('./run.js')).registerRun },
  { names: ['services'], load: async () => (await import('./services.js')).registerServices },
  { names: ['explain'], load: async () => (await import('./explain.js')).registerExplain },
  { names: ['ack'], load: async () => (await import('./ack.js')).registerAck },
  { names: ['mute', 'unmute'], load: async () => (await import('./mute.js')).registerMute },
  { names: ['alerts'], load: async () => (await import('./alerts.js')).registerAlerts },
  { names: ['alert'], load: async () => (await import('./alert-preview.js')).registerAlertPreview },
  { names: ['report'], load: async () => (await import('./report.js')).registerReport },
  { names: ['audit'], load: async () => (await import('./audit.js')).registerAudit },
  { names: ['import-activity'], load: async () => (await import('./import-activity.js')).registerImportActivity },
  { names: ['doctor'], load: async () => (await import('./doctor.js')).registerDoctor },
];

/** The command named first on the command line alone, or all of them (help, unknown names). */
export async function loadCommands(argv: readonly string[]): Promise<RegisterCommand[]> {
  const first = argv.find((a) => !a.startsWith('-'));
  const named = COMMAND_MODULES.filter((m) => first !== undefined && m.names.includes(first));
  return Promise.all((named.length === 1 ? named : COMMAND_MODULES).map((m) => m.load()));
}
