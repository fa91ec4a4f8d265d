/**
 * Adversarial inputs for one regular expression, derived from its own text. Catastrophic or
 * quadratic backtracking needs a long run of characters that some quantified part accepts,
 * usually right after the literal words that get the engine there, followed by something that
 * makes the overall match fail. So for each pattern we collect
 *
 * - pump characters: characters accepted by an atom under `*`, `+`, `{n,}` or `{n,m}` (m ≥ 8),
 *   found by testing a pool of candidates against the atom itself;
 * - literal runs: the plain words of the pattern (`Authorization`, `535`, ...);
 *
 * and build `prefix + unit × n + tail` and `(prefix + unit) × n` for every combination.
 */

export interface PumpSpec {
  readonly prefix: string;
  readonly unit: string;
  /** Total length of the pumped part. Characters. */
  readonly length: number;
  readonly tail: string;
}

/** Characters tried against each quantified atom: one or two from each class a log line has. */
const POOL = [' ', '\t', 'a', 'Z', '0', '9', '_', '-', '.', '=', '+', '/', ':', ';', ',', '@', '"', "'", '\\', '(', ')', '[', ']', '{', '}', '<', '>', '|', '!', '#', '&', '*', '?', '~', '\r', 'é', '\u0000'];
/** Always tried too: spaces, a letter, `=` and base64 characters, as the brief for this suite lists. */
const DEFAULT_UNITS = [' ', 'a', '=', 'A'];
const MAX_UNITS = 10;
const MAX_LITERALS = 6;

interface Atom {
  readonly text: string;
  /** The plain character, when the atom is one. */
  readonly literal: string | null;
  quantified: boolean;
}

const CLASS_ESCAPES = new Set(['s', 'S', 'w', 'W', 'd', 'D']);
const CONTROL_ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', f: '\f', v: '\v', '0': '\u0000' };

/** Reads one escape starting at `i` (the backslash); returns the atom and the next index. */
function readEscape(src: string, i: number): { atom: Atom | null; next: number } {
  const c = src[i + 1] ?? '';
  if (c === 'b' || c === 'B') return { atom: null, next: i + 2 };
  if (CLASS_ESCAPES.has(c)) return { atom: { text: src.slice(i, i + 2), literal: null, quantified: false }, next: i + 2 };
  if (c === 'x') return { atom: { text: src.slice(i, i + 4), literal: String.fromCharCode(parseInt(src.slice(i + 2, i + 4), 16)), quantified: false }, next: i + 4 };
  if (c === 'u' && src[i + 2] !== '{') return { atom: { text: src.slice(i, i + 6), literal: String.fromCharCode(parseInt(src.slice(i + 2, i + 6), 16)), quantified: false }, next: i + 6 };
  if (c === 'k') {
    const close = src.indexOf('>', i);
    return { atom: null, next: close === -1 ? src.length : close + 1 };
  }
  if (/[1-9]/.test(c)) return { atom: null, next: i + 2 };
  const literal = CONTROL_ESCAPES[c] ?? c;
  return { atom: { text: src.slice(i, i + 2), literal, quantified: false }, next: i + 2 };
}

/** Index just past the `]` closing the class that opens at `i`. */
function classEnd(src: string, i: number): number {
  let j = i + 1;
  if (src[j] === '^') j++;
  if (src[j] === ']') j++;
  while (j < src.length && src[j] !== ']') j += src[j] === '\\' ? 2 : 1;
  return j + 1;
}

/** A quantifier at `i`: its end and whether it allows a long run. */
function readQuantifier(src: string, i: number): { next: number; long: boolean } | null {
  const c = src[i];
  let next = i + 1;
  let long = false;
  if (c === '*' || c === '+') long = true;
  else if (c === '?') long = false;
  else if (c === '{') {
    const m = /^\{(\d*)(,(\d*))?\}/.exec(src.slice(i));
    if (m === null) return null;
    next = i + m[0].length;
    long = m[2] !== undefined && (m[3] === '' || Number(m[3]) >= 8);
  } else return null;
  if (src[next] === '?') next++;
  return { next, long };
}

/** Splits a pattern into atoms (groups are transparent: a quantified group marks its atoms). */
function atomsOf(src: string): { atoms: Atom[]; literals: string[] } {
  const atoms: Atom[] = [];
  const literals: string[] = [];
  let run = '';
  const flush = (): void => {
    if (run.length >= 2) literals.push(run);
    run = '';
  };
  const groupStarts: number[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i] ?? '';
    let atom: Atom | null = null;
    let next = i + 1;
    if (c === '\\') ({ atom, next } = readEscape(src, i));
    else if (c === '[') {
      next = classEnd(src, i);
      atom = { text: src.slice(i, next), literal: null, quantified: false };
    } else if (c === '.') atom = { text: '.', literal: null, quantified: false };
    else if (c === '(') {
      flush();
      groupStarts.push(atoms.length);
      const m = /^\(\?(?::|=|!|<=|<!|<[A-Za-z_$][\w$]*>)/.exec(src.slice(i));
      next = i + (m === null ? 1 : m[0].length);
    } else if (c === ')') {
      flush();
      const start = groupStarts.pop() ?? 0;
      const q = readQuantifier(src, i + 1);
      if (q !== null) {
        if (q.long) for (const a of atoms.slice(start)) a.quantified = true;
        next = q.next;
      }
    } else if (c === '|' || c === '^' || c === '$') flush();
    else atom = { text: c, literal: c, quantified: false };
    if (atom !== null) {
      const q = readQuantifier(src, next);
      if (q !== null) {
        atom.quantified = q.long;
        next = q.next;
        flush();
      } else if (atom.literal !== null) run += atom.literal;
      else flush();
      atoms.push(atom);
    }
    i = next;
  }
  flush();
  return { atoms, literals };
}

/** Pool characters the atom accepts (at most three, from different classes). */
function acceptedBy(atom: Atom, flags: string): string[] {
  let re: RegExp;
  try {
    re = new RegExp(`^(?:${atom.text})$`, flags.replace(/[gy]/g, ''));
  } catch {
    return atom.literal === null ? [] : [atom.literal];
  }
  return POOL.filter((ch) => re.test(ch)).slice(0, 3);
}

/** The inputs to try against one pattern; `length` is the pumped length (e.g. 50000). */
export function pumpsFor(source: string, flags: string, length: number): PumpSpec[] {
  const { atoms, literals } = atomsOf(source);
  const units = new Set<string>();
  for (const a of atoms) if (a.quantified) for (const ch of acceptedBy(a, flags)) units.add(ch);
  const chosen = [...units].slice(0, MAX_UNITS);
  for (const d of DEFAULT_UNITS) if (!chosen.includes(d)) chosen.push(d);
  const prefixes = ['', ...[...new Set(literals)].sort((a, b) => b.length - a.length).slice(0, MAX_LITERALS)];
  const specs: PumpSpec[] = [];
  for (const prefix of prefixes) {
    for (const unit of chosen) {
      // A long run after the words that lead into it, ending in a NUL nothing expects.
      specs.push({ prefix, unit, length, tail: '\u0000' });
      // The words themselves repeated with the run character: nested or repeated groups.
      if (prefix !== '') specs.push({ prefix: '', unit: prefix + unit, length, tail: '\u0000' });
    }
  }
  return specs;
}
