import type { FileKind } from './file-kind.js';

/**
 * The proximity rule: a username setting and a host setting belong together only when they are
 * at most PROXIMITY_LINES lines apart and the host's section is the username's section or
 * encloses it. A section is
 *
 * - INI, TOML, `.conf`: from one `[header]` to the next (flat: no section encloses another);
 * - YAML: the keys of one mapping (same indentation under the same parent line), enclosed by
 *   the parent's mapping, so `mail.host` applies to `mail.auth.user`;
 * - JSON: the members of one object (the object holding the line's first key), enclosed by the
 *   object around it;
 * - env, `.properties`, Postfix files and source code: the whole file (the line bound still
 *   holds, and key prefixes decide between competing hosts; see smtp-settings.ts).
 */
export const PROXIMITY_LINES = 20;

export interface Sections {
  /** Section id per line (index 0 = line 1). */
  readonly ids: readonly number[];
  /** The enclosing section of each nested section; top-level sections are absent. */
  readonly parent: ReadonlyMap<number, number>;
}

/** The sections of a file; see the rule above. */
export function sectionsOf(kind: FileKind, lines: readonly string[]): Sections {
  switch (kind) {
    case 'ini':
    case 'toml':
      return { ids: headerSections(lines), parent: new Map() };
    case 'yaml':
      return yamlSections(lines);
    case 'json':
      return jsonSections(lines);
    default:
      return { ids: lines.map(() => 0), parent: new Map() };
  }
}

/** Whether section `outer` is `inner` or encloses it. Depth is bounded by the file's nesting. */
export function encloses(s: Sections, outer: number | undefined, inner: number | undefined): boolean {
  if (outer === undefined || inner === undefined) return false;
  for (let at: number | undefined = inner; at !== undefined; at = s.parent.get(at)) {
    if (at === outer) return true;
  }
  return false;
}

/** Whether lines a and b (0-based) are in sections where one encloses the other. */
export const related = (s: Sections, a: number, b: number): boolean =>
  encloses(s, s.ids[a], s.ids[b]) || encloses(s, s.ids[b], s.ids[a]);

function headerSections(lines: readonly string[]): number[] {
  let id = 0;
  return lines.map((l) => {
    if (/^\s*\[[^\]]+\]\s*(?:[#;].*)?$/.test(l)) id++;
    return id;
  });
}

/** Indentation as YAML sees it for siblings: leading spaces, with `- ` list markers counted as spaces. */
function yamlIndent(line: string): number {
  const m = /^((?:\s|-\s)*)/.exec(line);
  return m?.[1]?.length ?? 0;
}

/**
 * The section of a YAML line is the index of its parent line (the nearest less-indented line
 * above it), -1 at the top level; a section's parent is the section of that parent line.
 */
function yamlSections(lines: readonly string[]): Sections {
  const stack: Array<{ indent: number; line: number }> = [];
  const parent = new Map<number, number>();
  const ids: number[] = [];
  let last = -1;
  lines.forEach((l, i) => {
    if (l.trim() === '' || /^\s*#/.test(l)) {
      ids.push(last);
      return;
    }
    const indent = yamlIndent(l);
    while (stack.length > 0 && (stack[stack.length - 1]?.indent ?? 0) >= indent) stack.pop();
    last = stack[stack.length - 1]?.line ?? -1;
    if (last >= 0 && !parent.has(last)) parent.set(last, ids[last] ?? -1);
    stack.push({ indent, line: i });
    ids.push(last);
  });
  return { ids, parent };
}

/**
 * The section of a JSON line is the object open at its first key. Braces inside strings are
 * skipped; the scan is one pass over the file.
 */
function jsonSections(lines: readonly string[]): Sections {
  const stack: number[] = [0];
  const parent = new Map<number, number>();
  let next = 1;
  let inString = false;
  const ids = lines.map((l) => {
    let at: number | undefined;
    for (let i = 0; i < l.length; i++) {
      const c = l[i];
      if (inString) {
        if (c === '\\') i++;
        else if (c === '"') inString = false;
        continue;
      }
      if (c === '"') {
        at ??= stack[stack.length - 1];
        inString = true;
      } else if (c === '{') {
        parent.set(next, stack[stack.length - 1] ?? 0);
        stack.push(next++);
      }
      else if (c === '}' && stack.length > 1) stack.pop();
    }
    return at ?? stack[stack.length - 1] ?? 0;
  });
  return { ids, parent };
}
