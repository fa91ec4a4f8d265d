import type { Db } from '../store/db.js';
import { silencesFor } from '../store/alerts-silences.js';

/** An ack or mute in force; `kind` null covers every kind of the service. */
export interface ActiveSilence {
  readonly type: 'ack' | 'mute';
  readonly service: string;
  readonly kind: string | null;
}

/**
 * Where a report reads acks and mutes from: the silences in force at an instant (epoch ms).
 * Optional everywhere, so a report can be built from a database without the alerts tables.
 */
export type SilenceProvider = (at: number) => readonly ActiveSilence[];

/** The alerts engineer's silences table as a provider. */
export const storeSilences =
  (db: Db): SilenceProvider =>
  (at) =>
    silencesFor(db, { now: at });

/**
 * The silence that decides a failing service's status: a mute (over an ack) that covers the
 * whole service, or each of the kinds it failed with in the period.
 */
export function silenceOf(service: string, failingKinds: readonly string[], silences: readonly ActiveSilence[]): 'ack' | 'mute' | null {
  const mine = silences.filter((s) => s.service === service);
  const covers = (type: 'ack' | 'mute'): boolean => {
    const of = mine.filter((s) => s.type === type);
    if (of.some((s) => s.kind === null)) return true;
    return failingKinds.length > 0 && failingKinds.every((k) => of.some((s) => s.kind === k));
  };
  if (covers('mute')) return 'mute';
  if (covers('ack')) return 'ack';
  return null;
}
