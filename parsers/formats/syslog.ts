import { parseBsdPrefix, parseIsoPrefix } from '../timestamps.js';

/** The header of a syslog line as files and relays write it. */
export interface SyslogHeader {
  readonly ts: string | null;
  readonly host: string;
  readonly program: string;
  readonly pid: string | null;
  /** The text after `program[pid]: `. */
  readonly body: string;
}

const PRI_RE = /^<\d{1,3}>/;
/** ` host program[pid]: ` after the stamp (BSD / RFC3339 file format). */
const TAIL_RE = /^ (\S{1,255}) ([^\s[:]{1,128})(?:\[(\d{1,10})\])?: /;
/** Words that sit where a host would, in application logs that only look like syslog. */
const LEVEL_WORDS = new Set(['TRACE', 'DEBUG', 'INFO', 'NOTICE', 'WARN', 'WARNING', 'ERROR', 'ERR', 'CRITICAL', 'FATAL', 'SEVERE']);

/** RFC 5424: `1 TS HOST APP PROCID MSGID [SD|-] MSG`. */
const RFC5424_RE = /^1 (\S{1,64}) (\S{1,255}) (\S{1,48}) (\S{1,128}) (\S{1,32}) (?:-|(?:\[[^\]]{0,2048}\]){1,8}) ?/;

/**
 * Parses BSD syslog (`Mar  4 10:00:01 host prog[pid]: msg`), the RFC3339 file format
 * (`2024-03-04T10:00:01.123+00:00 host prog[pid]: msg`) and RFC 5424, with or without `<PRI>`.
 */
export const parseSyslog = (line: string, nowMs: number): SyslogHeader | null => {
  let s = line;
  const pri = PRI_RE.exec(s);
  if (pri !== null) s = s.slice(pri[0].length);
  const r5424 = RFC5424_RE.exec(s);
  if (r5424 !== null) {
    const [, stamp, host, app, procid] = r5424;
    const dash = (v: string | undefined): string | null => (v === undefined || v === '-' ? null : v);
    return {
      ts: stamp === undefined || stamp === '-' ? null : (parseIsoPrefix(stamp)?.iso ?? null),
      host: host ?? '-',
      program: app ?? '-',
      pid: dash(procid),
      body: s.slice(r5424[0].length),
    };
  }
  // The RFC3339 file format always has the `T`; `2024-03-04 10:00:01,123 ERROR app: ` is Python.
  const iso = parseIsoPrefix(s);
  const stamp = iso !== null && s.charAt(10) === 'T' ? iso : iso === null ? parseBsdPrefix(s, nowMs) : null;
  if (stamp === null) return null;
  const tail = TAIL_RE.exec(s.slice(stamp.length));
  if (tail === null || LEVEL_WORDS.has((tail[1] ?? '').toUpperCase())) return null;
  return {
    ts: stamp.iso,
    host: tail[1] ?? '',
    program: tail[2] ?? '',
    pid: tail[3] ?? null,
    body: s.slice(stamp.length + tail[0].length),
  };
};
