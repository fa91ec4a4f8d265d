/**
 * What every Kafka message without headers shares, most log messages: one frozen empty object
 * instead of one allocated per message.
 */
export const NO_ENTRIES: Readonly<Record<string, never>> = Object.freeze({});

/** Whether `o` has no enumerable key, without building the array Object.keys would: called once per message. */
export function hasNoKeys(o: object): boolean {
  for (const _ in o) return false;
  return true;
}
