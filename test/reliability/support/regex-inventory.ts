/**
 * Every regular expression in `parsers/`, found from the source rather than listed by hand, so a
 * pattern added tomorrow is checked without anyone remembering to add it here.
 *
 * - Regex literals are read from the TypeScript syntax tree and rebuilt from their text.
 * - `new RegExp(...)` calls are assembled from other strings at run time, so their text is not in
 *   the source. The tree is transpiled with each such call wrapped in a recorder, the modules are
 *   imported in a child process, and the recorder reports what was built. A call that is never
 *   reached while importing (one built inside a function) is reported as unreached, so the test
 *   can say which site it could not check instead of passing silently.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

export const ROOT = resolve(import.meta.dirname, '../../..');
const RECORDER = '__authwatchRegexSeen';

export interface RegexEntry {
  /** `parsers/redact.ts:38`, where the pattern is written. */
  readonly site: string;
  readonly source: string;
  readonly flags: string;
}

export interface RegexInventory {
  readonly regexes: readonly RegexEntry[];
  /** `new RegExp` call sites that importing the modules did not execute. */
  readonly unreached: readonly string[];
}

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...tsFiles(p));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out.sort();
}

const siteOf = (file: string, sf: ts.SourceFile, node: ts.Node): string => `${relative(ROOT, file)}:${sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1}`;

const isRegExpConstruction = (node: ts.Node): node is ts.NewExpression | ts.CallExpression =>
  (ts.isNewExpression(node) || ts.isCallExpression(node)) && ts.isIdentifier(node.expression) && node.expression.text === 'RegExp';

/** The literals of one file, and the sites of its `new RegExp` calls. */
function scanFile(file: string): { literals: RegexEntry[]; constructed: string[] } {
  const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  const literals: RegexEntry[] = [];
  const constructed: string[] = [];
  const visit = (node: ts.Node): void => {
    if (node.kind === ts.SyntaxKind.RegularExpressionLiteral) {
      const text = node.getText(sf);
      const end = text.lastIndexOf('/');
      literals.push({ site: siteOf(file, sf, node), source: text.slice(1, end), flags: text.slice(end + 1) });
    } else if (isRegExpConstruction(node)) {
      constructed.push(siteOf(file, sf, node));
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return { literals, constructed };
}

/** Wraps each `new RegExp(...)` in `globalThis.__authwatchRegexSeen(site, ...)`. */
function recorderTransform(file: string): ts.TransformerFactory<ts.SourceFile> {
  return (ctx) => (sf) => {
    const f = ctx.factory;
    const visit = (node: ts.Node): ts.Node => {
      const inner = ts.visitEachChild(node, visit, ctx);
      if (!isRegExpConstruction(node)) return inner;
      const recorder = f.createPropertyAccessExpression(f.createIdentifier('globalThis'), RECORDER);
      return f.createCallExpression(recorder, undefined, [f.createStringLiteral(siteOf(file, sf, node)), inner as ts.Expression]);
    };
    return ts.visitNode(sf, visit) as ts.SourceFile;
  };
}

/**
 * Transpiles `parsers/**` (and the one `src/` module they import) into `outDir` with the
 * recorder in place; returns the module files to import.
 */
function instrumentedTree(files: readonly string[], outDir: string): string[] {
  const all = [...files, join(ROOT, 'src', 'contracts.ts')];
  const outputs: string[] = [];
  for (const file of all) {
    const js = ts.transpileModule(readFileSync(file, 'utf8'), {
      fileName: file,
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
      transformers: { before: [recorderTransform(file)] },
    }).outputText;
    const out = join(outDir, relative(ROOT, file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, js);
    outputs.push(out);
  }
  writeFileSync(join(outDir, 'package.json'), JSON.stringify({ type: 'module', private: true }));
  symlinkSync(join(ROOT, 'node_modules'), join(outDir, 'node_modules'), 'dir');
  return outputs;
}

/** Imports the instrumented modules in a child and prints what the recorder saw, as JSON. */
const INVENTORY_CHILD = `
const seen = [];
globalThis.${RECORDER} = (site, re) => { seen.push({ site, source: re.source, flags: re.flags }); return re; };
for (const f of JSON.parse(process.argv[1])) await import(f);
process.stdout.write(JSON.stringify(seen));
`;

export function regexInventory(workDir: string): RegexInventory {
  const files = tsFiles(join(ROOT, 'parsers'));
  const literals: RegexEntry[] = [];
  const constructed: string[] = [];
  for (const f of files) {
    const r = scanFile(f);
    literals.push(...r.literals);
    constructed.push(...r.constructed);
  }
  const modules = instrumentedTree(files, workDir);
  const stdout = execFileSync(process.execPath, ['--input-type=module', '-e', INVENTORY_CHILD, JSON.stringify(modules)], { encoding: 'utf8' });
  const built = JSON.parse(stdout) as RegexEntry[];
  const reached = new Set(built.map((b) => b.site));
  const unique = new Map<string, RegexEntry>();
  for (const r of [...literals, ...built]) unique.set(`${r.site}\u0000${r.source}\u0000${r.flags}`, r);
  return { regexes: [...unique.values()], unreached: constructed.filter((s) => !reached.has(s)) };
}
