/**
 * The TypeScript in the docs compiles: every ```ts block of README.md and of the .md files under docs/ becomes a module in a
 * temporary directory, type-checked with tsc against the library's own types (`express-alb-mtls` and
 * `express-alb-mtls/testing` mapped to src/ with `paths`), under the settings docs/typescript.md gives
 * consumers (strict, module nodenext, an ESM package). Names a snippet takes for granted (`app`, `handler`,
 * `routerA`...) are declared in one prelude below; everything else a block uses it must import.
 * A block preceded by `<!-- not type-checked: reason -->` is skipped (keep that rare: fix wrong blocks).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, test } from 'node:test';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
// Inside the checkout (.tmp/ is ignored by git), so node_modules resolves @types/express, supertest, ...
const WORK = join(ROOT, '.tmp', `docs-typecheck-${process.pid}`);
const SKIP_MARK = /^<!--\s*not type-checked\b/;
const MAX_SKIPS = 3;

/** What the snippets assume exists, as a reader would: an app, a handler, routers, a supertest agent. */
const PRELUDE = `import type { Express, Request, RequestHandler, Router } from 'express';
import type { ListenerRule } from 'express-alb-mtls';
declare global {
  const app: Express;
  const handler: RequestHandler;
  const routerA: Router;
  const routerB: Router;
  const rulesJson: { Rules: ListenerRule[] };
  const describeRules: { Rules: ListenerRule[] };
  /** A CA certificate (PEM) read elsewhere. */
  const caPem: string;
  /** A request inside a handler. */
  const req: Request;
}
export {};
`;

interface Block {
  readonly doc: string;
  /** Line of the opening fence (1-based). */
  readonly line: number;
  readonly code: string;
}

function docFiles(): string[] {
  const docs = readdirSync(join(ROOT, 'docs'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.md')).sort()
    .map((f) => `docs/${f}`);
  return ['README.md', ...docs];
}

function extract(doc: string): { blocks: Block[]; skipped: Block[] } {
  const lines = readFileSync(join(ROOT, doc), 'utf8').split('\n');
  const blocks: Block[] = [];
  const skipped: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^```(ts|typescript)\s*$/.test(lines[i]!)) continue;
    const end = lines.findIndex((l, j) => j > i && /^```\s*$/.test(l));
    assert.ok(end > i, `${doc}:${i + 1}: unclosed code block`);
    let before = i - 1;
    while (before >= 0 && lines[before]!.trim() === '') before--;
    const block = { doc, line: i + 1, code: lines.slice(i + 1, end).join('\n') };
    (before >= 0 && SKIP_MARK.test(lines[before]!.trim()) ? skipped : blocks).push(block);
    i = end;
  }
  return { blocks, skipped };
}

const fileName = (b: Block): string => `${b.doc.replace(/\.md$/, '').replace(/[^A-Za-z0-9]+/g, '-').toLowerCase()}-${b.line}.ts`;

describe('the TypeScript in README.md and docs/', () => {
  after(() => rmSync(WORK, { recursive: true, force: true }));
  const all = docFiles().map(extract);
  const blocks = all.flatMap((d) => d.blocks);
  const skipped = all.flatMap((d) => d.skipped);

  test('there is TypeScript to check, and few blocks are skipped', () => {
    assert.ok(blocks.length >= 15, `only ${blocks.length} blocks found`);
    assert.ok(skipped.length <= MAX_SKIPS, `skipped: ${skipped.map((b) => `${b.doc}:${b.line}`).join(', ')}`);
  });

  test('every block type-checks against the library', { timeout: 120_000 }, () => {
    mkdirSync(WORK, { recursive: true });
    const byFile = new Map<string, Block>();
    for (const b of blocks) {
      byFile.set(fileName(b), b);
      // `export {}` makes each block a module of its own (top-level await, no clashes between blocks).
      writeFileSync(join(WORK, fileName(b)), `${b.code}\nexport {};\n`);
    }
    writeFileSync(join(WORK, 'prelude.d.ts'), PRELUDE);
    writeFileSync(join(WORK, 'package.json'), JSON.stringify({ type: 'module', private: true }));
    const src = (path: string): string => relative(WORK, join(ROOT, path)).split('\\').join('/');
    writeFileSync(join(WORK, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', lib: ['es2023'], types: ['node'],
        strict: true, noEmit: true, skipLibCheck: true,
        paths: { 'express-alb-mtls': [src('src/index.ts')], 'express-alb-mtls/testing': [src('src/testing/index.ts')] },
      },
      files: ['prelude.d.ts', ...byFile.keys()],
    }));
    let output = '';
    try {
      execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'],
        { cwd: WORK, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      output = String((error as { stdout?: string }).stdout ?? error);
    }
    // "readme-24.ts(5,3): error TS..." -> "README.md:29:3 error TS..." (the line in the document).
    const located = output.replace(/^([\w.-]+\.ts)\((\d+),(\d+)\): /gm, (whole, file: string, line: string, col: string) => {
      const b = byFile.get(file);
      return b ? `${b.doc}:${b.line + Number(line)}:${col} ` : whole;
    });
    if (located.trim() !== '') assert.fail(`documentation examples that do not compile:\n${located}`);
  });
});
