/**
 * The published package as a new user gets it: `npm pack`, checked by publint and are-the-types-wrong,
 * then installed into fresh CommonJS, ESM and TypeScript (nodenext) consumers on Express 4 and 5, each
 * running a real request through albMtls() + requireCN. Uses the build in dist/ (`npm run build`; made
 * here when missing).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const WORK = mkdtempSync(join(tmpdir(), 'alb-mtls-package-'));
after(() => rmSync(WORK, { recursive: true, force: true }));
let dirs = 0;
const tempDir = (name: string): string => {
  const dir = join(WORK, `${name}${++dirs}`);
  mkdirSync(dir);
  return dir;
};
const run = (cmd: string, args: string[], cwd: string): string =>
  execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 240_000 });
const npm = (args: string[], cwd: string): string => run('npm', [...args, '--no-audit', '--no-fund', '--prefer-offline'], cwd);

// The consumer code: decode the headers of a certificate made by the package's own testing helpers.
const BODY = `
const pki = await createTestPki();
const client = await pki.issueClient({ subject: 'CN=clientA,O=consumer' });
const app = express();
app.use(albMtls());
app.get('/admin', requireCN('clientA'), (req, res) => { res.send('hello ' + req.clientCert.commonName); });
const server = app.listen(0, '127.0.0.1');
await new Promise((r) => server.once('listening', r));
const res = await fetch('http://127.0.0.1:' + server.address().port + '/admin', { headers: albHeaders(client.pem) });
const text = await res.text();
server.close();
if (res.status !== 200 || text !== 'hello clientA') { console.error('unexpected', res.status, text); process.exit(1); }
console.log('ok ' + express.name);
`;

const CJS = `const express = require('express');
const { albMtls, requireCN } = require('express-alb-mtls');
const { albHeaders, createTestPki } = require('express-alb-mtls/testing');
(async () => {${BODY}})();
`;
const ESM = `import express from 'express';
import { albMtls, requireCN } from 'express-alb-mtls';
import { albHeaders, createTestPki } from 'express-alb-mtls/testing';
${BODY}`;
// An app that loads both builds (one dependency require()s the package, the app imports it): the guard from
// the CommonJS copy must see what albMtls() from the ESM copy did.
// Both builds in one app: the CommonJS guard must refuse what the ESM albMtls() decided, naming the dual load.
const MIXED = `import { createRequire } from 'node:module';
import express from 'express';
import { albMtls } from 'express-alb-mtls';
import { albHeaders, createTestPki } from 'express-alb-mtls/testing';
const { requireCN } = createRequire(import.meta.url)('express-alb-mtls');
const pki = await createTestPki();
const client = await pki.issueClient({ subject: 'CN=clientA,O=consumer' });
const app = express();
app.use(albMtls());
app.get('/admin', requireCN('clientA'), (req, res) => { res.send('hello'); });
app.use((err, req, res, next) => { res.status(err.status).send(err.code + ' ' + err.cause); });
const server = app.listen(0, '127.0.0.1');
await new Promise((r) => server.once('listening', r));
const res = await fetch('http://127.0.0.1:' + server.address().port + '/admin', { headers: albHeaders(client.pem) });
const text = await res.text();
server.close();
if (res.status !== 500 || !/^ERR_MTLS_NOT_CONFIGURED .*ESM and the CommonJS/.test(text)) { console.error('unexpected', res.status, text); process.exit(1); }
console.log('ok refused');
`;
const TS = `import express from 'express';
import type { Request, Response } from 'express';
import { albMtls, requireCN, type AnyClientCertificate } from 'express-alb-mtls';
import { albHeaders, createTestPki } from 'express-alb-mtls/testing';
const check = (req: Request): AnyClientCertificate | undefined => req.clientCert; // the Request augmentation
void check;
${BODY.replace('(req, res) =>', '(req: Request, res: Response) =>').replace(/server\.address\(\)\.port/, '(server.address() as { port: number }).port')
  .replace('req.clientCert.commonName', 'req.clientCert!.commonName')}`;

// The TypeScript consumers: the tsconfig.json docs/typescript.md gives, in an ESM and a CommonJS package.
const TS_CJS = `${TS.split('\n').filter((l) => l.startsWith('import ')).join('\n')}
${TS.split('\n').filter((l) => !l.startsWith('import ') && !l.startsWith('void check') && !l.startsWith('const check')).join('\n')
    .replace(/^const pki = /m, '(async () => {\nconst pki = ')}
})();
`;

/** The one tsconfig.json of docs/typescript.md. */
function documentedTsconfig(): { compilerOptions: Record<string, unknown> } {
  const doc = readFileSync(join(ROOT, 'docs', 'typescript.md'), 'utf8');
  const blocks = [...doc.matchAll(/^```json\n([\s\S]*?)^```$/gm)].map((m) => m[1]!).filter((b) => b.includes('compilerOptions'));
  assert.equal(blocks.length, 1, 'docs/typescript.md should show exactly one tsconfig.json');
  return JSON.parse(blocks[0]!) as { compilerOptions: Record<string, unknown> };
}

/** A TypeScript project in `dir/name` (sharing `dir`'s node_modules) with the documented settings. */
function tsProject(dir: string, name: string, type: 'module' | 'commonjs', source: string): string {
  const project = join(dir, name);
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name, private: true, type }));
  const documented = documentedTsconfig();
  writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({
    ...documented, compilerOptions: { ...documented.compilerOptions, outDir: 'out' }, files: ['app.ts'],
  }));
  writeFileSync(join(project, 'app.ts'), source);
  return project;
}

function packOnce(): string {
  if (!existsSync(join(ROOT, 'dist', 'index.js'))) run('npm', ['run', 'build'], ROOT);
  const out = tempDir('pack');
  run('npm', ['pack', '--ignore-scripts', '--pack-destination', out], ROOT);
  const tarball = readdirSync(out).find((f) => f.endsWith('.tgz'));
  assert.ok(tarball, 'npm pack made no tarball');
  return join(out, tarball);
}

function consumer(tarball: string, express: string): string {
  const dir = tempDir('consumer');
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'commonjs' }));
  npm(['install', tarball, `express@${express}`, '@types/express@' + express, '@types/node@20'], dir);
  writeFileSync(join(dir, 'app.cjs'), CJS);
  writeFileSync(join(dir, 'app.mjs'), ESM);
  writeFileSync(join(dir, 'app-mixed.mjs'), MIXED);
  writeFileSync(join(dir, 'app.mts'), TS);
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', strict: true, types: ['node'], outDir: 'out', skipLibCheck: false },
    files: ['app.mts'],
  }));
  tsProject(dir, 'ts-esm', 'module', TS);
  tsProject(dir, 'ts-cjs', 'commonjs', TS_CJS);
  return dir;
}

describe('the packed package', { timeout: 900_000 }, () => {
  let tarball: string;
  before(() => { tarball = packOnce(); });

  test('installing it runs no script, and the tarball ships no unused CommonJS CLI', () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    for (const hook of ['preinstall', 'install', 'postinstall', 'prepare']) assert.equal(manifest.scripts[hook], undefined, hook);
    const files = run('tar', ['-tzf', tarball], ROOT).split('\n');
    assert.ok(files.includes('package/dist/cli.js'));
    assert.ok(!files.some((f) => f.startsWith('package/dist/cli.cjs')), 'dist/cli.cjs is shipped');
  });

  test('package.json names the repository, homepage and issue tracker, one URL form', () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      repository: { type: string; url: string }; homepage: string; bugs: { url: string };
    };
    const REPO = 'https://github.com/express-alb-mtls/express-alb-mtls';
    assert.deepEqual(manifest.repository, { type: 'git', url: `git+${REPO}.git` });
    assert.equal(manifest.homepage, `${REPO}#readme`);
    assert.equal(manifest.bugs.url, `${REPO}/issues`);
    for (const doc of ['README.md', 'CHANGELOG.md', 'SECURITY.md']) {
      for (const [url] of readFileSync(join(ROOT, doc), 'utf8').matchAll(/https:\/\/github\.com\/[^\s)]+/g)) {
        assert.ok(url.startsWith(REPO + '/'), `${doc}: ${url} is not under ${REPO}`);
      }
    }
  });

  test('every relative link of the shipped Markdown points to a shipped file (the registry page and node_modules readers)', () => {
    const files = new Set(run('tar', ['-tzf', tarball], ROOT).split('\n').map((f) => f.replace(/^package\//, '')));
    const broken: string[] = [];
    for (const doc of [...files].filter((f) => f.endsWith('.md'))) {
      const text = readFileSync(join(ROOT, doc), 'utf8');
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:|^#/.test(target!)) continue;
        const path = join(dirname(doc), target!.replace(/#.*$/, '')).split('\\').join('/');
        if (!files.has(path)) broken.push(`${doc}: ${target}`);
      }
    }
    assert.deepEqual(broken, []);
  });

  test('the main entry loads neither pkijs nor asn1js: only the testing kit and the CLI do (the README says so)', () => {
    const imports = (file: string): string[] =>
      [...readFileSync(join(ROOT, 'dist', file), 'utf8').matchAll(/(?:from |require\(|import\()\s*["']([^"']+)["']/g)].map((m) => m[1]!);
    for (const file of ['index.js', 'index.cjs']) {
      const loaded = imports(file);
      assert.ok(loaded.includes('proxy-addr'), `${file}: the import scan found nothing`);
      assert.deepEqual(loaded.filter((m) => /^(pkijs|asn1js)$/.test(m)), [], file);
    }
    for (const file of ['testing.js', 'testing.cjs', 'cli.js']) assert.ok(imports(file).includes('pkijs'), file);
  });

  test('publint finds nothing', () => {
    assert.match(run(join(ROOT, 'node_modules/.bin/publint'), [], ROOT), /All good/);
  });

  test('are-the-types-wrong: types resolve for node16 CJS and ESM and bundlers', () => {
    // attw exits non-zero on any problem in the checked resolutions (node10, which has no `exports`, is out).
    const out = run(join(ROOT, 'node_modules/.bin/attw'), [tarball, '--profile', 'node16', '--format', 'json'], ROOT);
    const report = JSON.parse(out) as { analysis: { problems: Array<{ resolutionKind?: string }> } };
    assert.deepEqual(report.analysis.problems.filter((p) => p.resolutionKind !== 'node10'), []);
  });

  for (const express of ['4', '5']) {
    describe(`Express ${express} consumers`, () => {
      let dir: string;
      before(() => { dir = consumer(tarball, express); });

      test('CommonJS require()', () => assert.match(run('node', ['app.cjs'], dir), /^ok /));
      test('ESM import', () => assert.match(run('node', ['app.mjs'], dir), /^ok /));
      test('both builds in one app: a guard of one refuses what albMtls() of the other decided, naming the dual load', () =>
        assert.match(run('node', ['app-mixed.mjs'], dir), /^ok refused/));
      test('TypeScript nodenext: compiles with the bundled types, then runs', () => {
        run('node', [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], dir);
        assert.match(run('node', [join('out', 'app.mjs')], dir), /^ok /);
      });
      for (const [project, emitted] of [['ts-esm', /^import express from 'express';/m], ['ts-cjs', /require\("express-alb-mtls\/testing"\)/]] as const) {
        test(`TypeScript with docs/typescript.md's tsconfig.json, ${project === 'ts-esm' ? '"type": "module"' : 'CommonJS'}: type-checks, emits ${project === 'ts-esm' ? 'ESM' : 'require()'}, runs`, () => {
          const cwd = join(dir, project);
          run('node', [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], cwd);
          assert.match(readFileSync(join(cwd, 'out', 'app.js'), 'utf8'), emitted);
          assert.match(run('node', [join('out', 'app.js')], cwd), /^ok /);
        });
      }
    });
  }
});
