// The layering of the emulator core, read from the import statements of src/**/*.ts: src/arch
// declares what the ISA fixes (privilege levels, trap causes, mstatus bits, ...) and imports
// nothing; bus and mmu build only on what lies below them; and no module of arch, bus, mmu or cpu
// reaches itself again through a chain of imports. A type-only import counts like any other: the
// importing module still means nothing without the imported one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const SRC = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'src');

/** Directories of src whose modules may take part in no import cycle. */
const ACYCLIC = ['arch', 'bus', 'mmu', 'cpu'];

/** What each lower layer may import (its own directory included where listed). */
const MAY_IMPORT = {
  arch: [],
  bus: ['arch', 'bus'],
  mmu: ['arch', 'bus', 'mmu'],
};

function sourceFiles(dir) {
  const files = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...sourceFiles(full));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) files.push(full);
  }
  return files;
}

/**
 * The module's imports and re-exports (static, type-only and dynamic): a module of src as its path
 * under src, anything else (a package, node:fs) as its specifier.
 */
function importsOf(file, text) {
  const { importedFiles } = ts.preProcessFile(text, true, true);
  return importedFiles.map(({ fileName: name }) => (name.startsWith('.')
    ? path.relative(SRC, path.resolve(path.dirname(file), name.replace(/\.js$/, '.ts')))
    : name));
}

/** src-relative module path -> the src-relative paths it imports. */
function importGraph() {
  const graph = new Map();
  for (const file of sourceFiles(SRC)) graph.set(path.relative(SRC, file), importsOf(file, readFileSync(file, 'utf8')));
  return graph;
}

/** The strongly connected components with more than one module, or one module importing itself (Tarjan). */
function cycles(graph) {
  let counter = 0;
  const index = new Map(), low = new Map(), onStack = new Set(), stack = [], found = [];
  const visit = (v) => {
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v), index.get(w)));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component = [];
      let w;
      do {
        w = stack.pop();
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

const topDirectory = (module) => module.split(path.sep)[0];

test('the cycle finder finds cycles, long and short, and nothing in a layered graph', () => {
  const layered = new Map([['a', ['b', 'c']], ['b', ['c']], ['c', []]]);
  assert.deepEqual(cycles(layered), []);
  const long = new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['a']]]);
  assert.deepEqual(cycles(long), [['a', 'b', 'c']]);
  const self = new Map([['a', ['a']]]);
  assert.deepEqual(cycles(self), [['a']]);
});

test('the import reader sees static, type-only, multi-line, re-exported and dynamic imports', () => {
  const text = [
    "import { A } from './a.js';",
    "import type { B } from '../b/b.js';",
    'import {',
    '  C,',
    "} from './c.js';",
    "export { D } from './d.js';",
    "const e = await import('./e.js');",
    "import { readFileSync } from 'node:fs';",
  ].join('\n');
  assert.deepEqual(importsOf(path.join(SRC, 'cpu', 'x.ts'), text).sort(),
    [path.join('b', 'b.ts'), path.join('cpu', 'a.ts'), path.join('cpu', 'c.ts'), path.join('cpu', 'd.ts'), path.join('cpu', 'e.ts'), 'node:fs']);
});

test('no import cycle runs through src/arch, src/bus, src/mmu or src/cpu', () => {
  const graph = importGraph();
  const offending = cycles(graph).filter((component) => component.some((m) => ACYCLIC.includes(topDirectory(m))));
  assert.deepEqual(offending, [], `import cycles:\n${offending.map((c) => `  ${c.join(' <-> ')}`).join('\n')}`);
});

test('arch imports nothing; bus and mmu import only the layers below them', () => {
  const graph = importGraph();
  const violations = [];
  for (const [module, imports] of graph) {
    const allowed = MAY_IMPORT[topDirectory(module)];
    if (allowed === undefined) continue;
    for (const imported of imports) {
      if (!allowed.includes(topDirectory(imported))) violations.push(`${module} imports ${imported}`);
    }
  }
  assert.ok(graph.size > 0 && [...graph.keys()].some((m) => topDirectory(m) === 'cpu'), `no modules found under ${SRC}`);
  assert.deepEqual(violations, []);
});
