/** Milliseconds per unit accepted in duration strings. */
const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
type Unit = keyof typeof UNIT_MS;

const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/gy;

/**
 * Parses a duration such as `30s`, `15m`, `4h`, `1h30m` or `250ms` into milliseconds.
 * Units: ms, s, m, h, d, w; parts add up. Returns undefined for anything else (including a bare
 * number, which would leave the unit to guesswork).
 */
export function parseDuration(text: string): number | undefined {
  const s = text.trim().toLowerCase();
  if (s === '') return undefined;
  PART.lastIndex = 0;
  let total = 0;
  let end = 0;
  for (let m = PART.exec(s); m !== null; m = PART.exec(s)) {
    total += Number(m[1]) * UNIT_MS[m[2] as Unit];
    end = PART.lastIndex;
  }
  if (end !== s.length) return undefined;
  const ms = Math.round(total);
  return Number.isSafeInteger(ms) ? ms : undefined;
}

/** Like parseDuration, but throws a message that names the value and the expected form. */
export function parseDurationOrThrow(text: string, what = 'duration'): number {
  const ms = parseDuration(text);
  if (ms === undefined) throw new RangeError(`${what} is ${JSON.stringify(text)}; expected a duration such as 30s, 15m, 4h or 1h30m.`);
  return ms;
}

/** Formats milliseconds compactly for people: `90000` → `1m30s`, `0` → `0s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))}ms`;
  let rest = Math.round(ms / 1000);
  const parts: string[] = [];
  for (const [unit, size] of [['d', 86_400], ['h', 3_600], ['m', 60], ['s', 1]] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) parts.push(`${n}${unit}`);
    rest -= n * size;
  }
  return parts.join('');
}
