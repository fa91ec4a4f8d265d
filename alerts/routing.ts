import type { Kind, Matcher } from '../src/contracts.js';
import { compilePattern } from '../src/config/patterns.js';
import { CONSOLE_RECEIVER, type AlertsConfig, type ChannelType } from './config-schema.js';

export interface ResolvedReceiver {
  readonly name: string;
  readonly type: ChannelType;
}

/** Picks the receivers of a (service, kind). */
export type Router = (service: string, kind: Kind) => ResolvedReceiver[];

/**
 * Routes are checked in order; a matching route adds its receivers and stops the search unless
 * it sets `continue`. When no route matched, the default receivers take the alert, so a service
 * nobody claimed is still reported.
 */
export function compileRouter(config: AlertsConfig): Router {
  const types = new Map<string, ChannelType>([[CONSOLE_RECEIVER, 'console']]);
  for (const [name, r] of Object.entries(config.receivers)) types.set(name, r.type);
  const declared = Object.keys(config.receivers);
  const fallback = config.defaultReceivers ?? (declared.length > 0 ? declared : [CONSOLE_RECEIVER]);
  const routes = config.routes.map((r) => ({
    services: r.services?.map((p): Matcher => compilePattern(p)),
    kinds: r.kinds === undefined ? undefined : new Set<string>(r.kinds),
    receivers: r.receivers,
    continue: r.continue,
  }));

  const resolve = (names: Iterable<string>): ResolvedReceiver[] =>
    [...new Set(names)].map((name) => {
      const type = types.get(name);
      // The schema checks every name, so a miss here is a bug in the caller's config handling.
      if (type === undefined) throw new Error(`Receiver ${name} is not configured.`);
      return { name, type };
    });

  return (service, kind) => {
    const picked: string[] = [];
    let matched = false;
    for (const r of routes) {
      if (r.kinds !== undefined && !r.kinds.has(kind)) continue;
      if (r.services !== undefined && !r.services.some((m) => m(service))) continue;
      matched = true;
      picked.push(...r.receivers);
      if (!r.continue) break;
    }
    return resolve(matched ? picked : fallback);
  };
}
