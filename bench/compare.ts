/**
 * `npm run bench:compare -- --ref <git ref>`: before/after of the warm request path, paired inside one server.
 *
 * The server (a forked copy of this file) mounts the middleware twice: once from `src/` at `--ref`
 * (extracted with `git archive` under `.tmp/compare/`) and once from the working tree, and picks one of
 * them at random for every request. Both see the same load, the same machine noise and the same kind of request objects,
 * so the ratio of their times is steady where two separately measured servers differ by ±30 % here.
 *
 *   npm run bench:compare -- --ref HEAD~1 --scenario requireCN --express 5 --rounds 5
 * With --whole, each version gets a complete app (its handlers as ordinary layers) and the whole synchronous
 * dispatch is timed: routing, the middleware, the handler and the response, and what the middleware costs
 * Express outside its own time.
 * Flags: --whole  --ref (default HEAD)  --scenario verify|requireCN|passthrough (default requireCN)  --express 4|5
 *        --rounds N (default 5)  --requests N per round (default 20000)  --connections N (default 10)
 * Fixtures come from `npm run bench` (or `-- --quick`) and are made here when missing.
 * A --ref older than the own-property `req.clientCert` installs an accessor on Express's request prototype;
 * the working tree's own property shadows it on the requests it handles, so each version still runs its own path.
 * @module
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { Express, RequestHandler } from 'express';
import { loadFixtures, passthroughHeaders, readFixtures, verifyHeaders } from './fixtures.js';
import { runLoad, ServerProcess } from './http/load.js';
import { failed, randomDispatch, runTimed, servePair, type RecordTime } from './http/paired-server.js';
import { markdownTable, median } from './stats.js';

type Library = typeof import('../src/index.js');
const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** What each scenario mounts: `use` with `app.use()`, `route` on the route (as the README mounts guards). */
interface Mounted {
  readonly use: RequestHandler[];
  readonly route: RequestHandler[];
}
const SCENARIOS: Record<string, (lib: Library, trustStore: string) => Mounted> = {
  verify: (lib) => ({ use: [lib.albMtls()], route: [] }),
  requireCN: (lib) => ({ use: [lib.albMtls()], route: [lib.requireCN('clientA')] }),
  passthrough: (lib, trustStore) => ({ use: [lib.albMtls({ mode: 'passthrough', trustStore })], route: [] }),
};

/** `src/` as it was at `ref`, extracted once per commit; returns the directory holding it. */
function extract(ref: string): { dir: string; commit: string } {
  const commit = execFileSync('git', ['rev-parse', '--verify', `${ref}^{commit}`], { cwd: ROOT, encoding: 'utf8' }).trim();
  const dir = join(ROOT, '.tmp', 'compare', commit);
  if (!existsSync(join(dir, 'src', 'index.ts'))) {
    mkdirSync(dir, { recursive: true });
    const archive = execFileSync('git', ['archive', commit, 'src'], { cwd: ROOT, maxBuffer: 1 << 28 });
    execFileSync('tar', ['-x', '-C', dir], { input: archive });
  }
  return { dir, commit };
}

async function createApp(express: string): Promise<Express> {
  return express === '4' ? ((await import('express4')).default as unknown as () => Express)() : (await import('express')).default();
}

/** Inside timing: one app; each request runs one version's handlers, called directly, and only they are timed. */
async function insideApp(express: string, chains: RequestHandler[][], record: RecordTime): Promise<Express> {
  const app = await createApp(express);
  app.use((req, res, next) => {
    void req.headers; // built lazily by Node, and paid by every Express response anyway (see http/timing.ts)
    const which = Math.random() < 0.5 ? 0 : 1; // at random: see randomDispatch
    const { us, error } = runTimed(chains[which]!, req, res);
    record(which, us);
    if (error !== undefined || req.clientCert === undefined) res.status(500).end();
    else next();
  });
  app.get('/', (_req, res) => { res.send('ok'); });
  return app;
}

/** One complete app per version, mounted as users mount it (for whole-request timing). */
async function completeApp(express: string, { use, route }: Mounted): Promise<Express> {
  const app = await createApp(express);
  for (const handler of use) app.use(handler);
  app.get('/', ...route, (req, res) => { res.status(req.clientCert === undefined ? 500 : 200).send('ok'); });
  return app;
}

/** Server side: both versions mounted, a random one per request; the time of each is recorded. */
async function serve(scenario: string, express: string, beforeDir: string, whole: boolean): Promise<void> {
  const before = (await import(pathToFileURL(join(beforeDir, 'src', 'index.ts')).href)) as Library;
  const after = (await import('../src/index.js')) as Library;
  const trustStore = readFixtures().ecdsa.root;
  const chains = [before, after].map((lib) => SCENARIOS[scenario]!(lib, trustStore));
  await servePair(async (record) => whole
    ? randomDispatch([await completeApp(express, chains[0]!), await completeApp(express, chains[1]!)], record)
    : insideApp(express, chains.map(({ use, route }) => [...use, ...route]), record));
}

/** Parent side: starts the server, loads it, prints one row per round and the summary. */
async function main(): Promise<void> {
  const { values } = parseArgs({ options: {
    ref: { type: 'string', default: 'HEAD' }, scenario: { type: 'string', default: 'requireCN' },
    express: { type: 'string', default: '5' }, rounds: { type: 'string', default: '5' },
    requests: { type: 'string', default: '20000' }, connections: { type: 'string', default: '10' },
    whole: { type: 'boolean', default: false },
  } });
  if (!(values.scenario in SCENARIOS)) throw new Error(`--scenario must be one of ${Object.keys(SCENARIOS).join(', ')}`);
  if (values.express !== '4' && values.express !== '5') throw new Error('--express must be 4 or 5');
  const fixtures = await loadFixtures(2000, (line) => console.error(line));
  const { dir, commit } = extract(values.ref);
  const headers = values.scenario === 'passthrough' ? passthroughHeaders(fixtures.ecdsa) : verifyHeaders(fixtures.ecdsa.leaf);
  const server = await ServerProcess.fork(fileURLToPath(import.meta.url), ['--serve', values.scenario, values.express, dir, values.whole ? 'whole' : 'inside']);
  const rows: string[][] = [];
  const ratios: number[] = [];
  try {
    const load = { amount: Number(values.requests), maxSeconds: 60, connections: Number(values.connections), headersFor: () => headers };
    await runLoad(server.port, load); // warm-up: both versions optimised, caches filled
    for (let round = 1; round <= Number(values.rounds); round++) {
      await server.ask({ type: 'reset' });
      const result = await runLoad(server.port, load);
      if (result.non2xx > 0 || result.errors > 0) throw new Error(`${result.non2xx} non-2xx answers, ${result.errors} errors`);
      const [beforeUs, afterUs] = (await server.ask({ type: 'stats' })).paired!.medianUs;
      ratios.push(afterUs / beforeUs);
      rows.push([String(round), beforeUs.toFixed(2), afterUs.toFixed(2), (afterUs / beforeUs).toFixed(3)]);
    }
  } finally {
    await server.stop();
  }
  const sorted = [...ratios].sort((a, b) => a - b);
  console.log(`**${values.scenario}, Express ${values.express}, ${values.whole ? 'whole request' : 'inside the middleware'}: ${values.ref} (${commit.slice(0, 7)}) against the working tree**\n`);
  console.log(markdownTable(['round', 'before: median µs', 'after: median µs', 'after ÷ before'], rows));
  console.log(`\nafter ÷ before: median ${median(ratios).toFixed(3)} (${sorted[0]!.toFixed(3)}–${sorted.at(-1)!.toFixed(3)}) over ${ratios.length} rounds`);
}

if (process.argv[2] === '--serve') await serve(process.argv[3]!, process.argv[4]!, process.argv[5]!, process.argv[6] === 'whole').catch(failed);
else await main();
