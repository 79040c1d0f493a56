/**
 * The source layout is part of the architecture: the core is framework-free and its folders only import
 * downward, so a reader can understand each layer from the ones below it. These tests read every import
 * of src/ and fail on an import that points the wrong way.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const src = join(root, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Every module specifier a file imports or re-exports (static and dynamic). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const match of text.matchAll(/(?:\bfrom|\bimport)\s*\(?\s*['"]([^'"]+)['"]/g)) found.push(match[1]!);
  return found;
}

/** src-relative path of a relative import's target, or the bare package name. */
function target(file: string, specifier: string): string {
  if (!specifier.startsWith('.')) return specifier;
  return relative(src, resolve(dirname(file), specifier)).replace(/\\/g, '/');
}

// Lowest first: a core file may import its own folder and any folder listed before its own.
const CORE_LAYERS = ['core/(root)', 'core/options', 'core/der', 'core/dn', 'core/path', 'core/match', 'core/cert', 'core/alb', 'core/sources'];

function coreLayer(path: string): number {
  const folder = path.split('/').slice(0, 2).join('/');
  const index = CORE_LAYERS.indexOf(folder.endsWith('.js') || folder.endsWith('.ts') ? 'core/(root)' : folder);
  assert.notEqual(index, -1, `${path} is in a core folder the layering does not know: add it to CORE_LAYERS`);
  return index;
}

const files = sourceFiles(src);

describe('source layout', () => {
  test('src/core imports nothing outside src/core, and no framework', () => {
    const outside: string[] = [];
    for (const file of files.filter((f) => relative(src, f).startsWith('core/'))) {
      for (const spec of importsOf(file)) {
        const to = target(file, spec);
        const bad = spec.startsWith('.') ? !to.startsWith('core/') : /^(express|express4)(\/|$)/.test(spec);
        if (bad) outside.push(`${relative(src, file)} -> ${spec}`);
      }
    }
    assert.deepEqual(outside, []);
  });

  test('core folders import only their own folder or the layers below it', () => {
    const upward: string[] = [];
    for (const file of files.filter((f) => relative(src, f).startsWith('core/'))) {
      const from = relative(src, file);
      for (const spec of importsOf(file).filter((s) => s.startsWith('.'))) {
        const to = target(file, spec);
        if (to.startsWith('core/') && coreLayer(to) > coreLayer(from)) upward.push(`${from} -> ${to}`);
      }
    }
    assert.deepEqual(upward, []);
  });

  test('the testing kit never depends on the CLI, and only the CLI entry imports it', () => {
    const wrong: string[] = [];
    for (const file of files) {
      const from = relative(src, file);
      for (const spec of importsOf(file).filter((s) => s.startsWith('.'))) {
        const to = target(file, spec);
        if (to.startsWith('cli/') && !from.startsWith('cli/')) wrong.push(`${from} -> ${to}`);
      }
    }
    assert.deepEqual(wrong, []);
  });

  test('no folder of src/, test/, bench/ or examples/ holds more than 15 files', () => {
    const counts = new Map<string, number>();
    const all = ['src', 'test', 'bench', 'examples'].flatMap((dir) => sourceFiles(join(root, dir)));
    for (const file of all) counts.set(dirname(relative(root, file)), (counts.get(dirname(relative(root, file))) ?? 0) + 1);
    const crowded = [...counts].filter(([, n]) => n > 15).map(([dir, n]) => `${dir}: ${n}`);
    assert.deepEqual(crowded, []);
  });
});
