/**
 * Builds a runnable copy of some TypeScript modules for a child process: each file and every
 * relative import it reaches is transpiled (types stripped, no type check) into `outDir` with
 * the same layout, next to a package.json and the alert guides. Used for the crash test, whose
 * child must be a separate Node process (tsx is not a dependency, and the test should not
 * depend on a prior `npm run build` or on the rest of the tree compiling).
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const ROOT = resolve(import.meta.dirname, '../../..');
const IMPORT = /(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)\.js'/g;

export function transpileTree(entries: readonly string[], outDir: string): void {
  const seen = new Set<string>();
  const todo = entries.map((e) => resolve(ROOT, e));
  for (let file = todo.pop(); file !== undefined; file = todo.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    const source = readFileSync(file, 'utf8');
    for (const m of source.matchAll(IMPORT)) todo.push(resolve(dirname(file), `${m[1] ?? ''}.ts`));
    const js = ts.transpileModule(source, {
      fileName: file,
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, esModuleInterop: true, verbatimModuleSyntax: false },
    }).outputText;
    const out = join(outDir, relative(ROOT, file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, js);
  }
  writeFileSync(join(outDir, 'package.json'), JSON.stringify({ name: 'authwatch-child', type: 'module', private: true }));
  const guides = join(ROOT, 'alerts', 'guides');
  mkdirSync(join(outDir, 'alerts', 'guides'), { recursive: true });
  for (const f of readdirSync(guides)) copyFileSync(join(guides, f), join(outDir, 'alerts', 'guides', f));
  if (!existsSync(join(outDir, 'node_modules'))) symlinkSync(join(ROOT, 'node_modules'), join(outDir, 'node_modules'), 'dir');
}
