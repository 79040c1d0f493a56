/**
 * `npm run bench`: the whole benchmark suite of issue 6 (HTTP scenarios on Express 5 and 4, micro-benchmarks,
 * memory), printed as Markdown for BENCHMARKS.md and saved under the OS temp directory.
 *
 *   npm run bench                          full suite (6-10 minutes, depending on the machine's load)
 *   npm run bench -- --quick               Express 5, 2 short rounds, quick micro-benchmarks (about 2 minutes)
 *   npm run bench -- --scenario 2,cold --express 5 --rounds 3 --seconds 4
 *   npm run bench -- --only http --profile    CPU profiles of every server, top frames printed
 * Flags: --only http,ab,paired,micro,dn,chain,memory (ab and paired run with http)  --connections N  --warmup S  --rounds N
 *        --seconds S
 * @module
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { FIXTURE_DIR, loadFixtures } from './fixtures.js';
import { abTable } from './http/ab-report.js';
import { runAbSuite, type AbResult } from './http/ab-suite.js';
import { pairedTable, pairedTargets, PAIRS, runPairedSuite, type PairedResult } from './http/paired-suite.js';
import { scenarioTables, targetTable } from './http/report.js';
import { SCENARIOS, selectScenarios } from './http/scenarios.js';
import { runHttpSuite, type SuiteResult } from './http/suite.js';
import { summarizeProfiles } from './profile.js';

const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    scenario: { type: 'string' },
    express: { type: 'string' },
    rounds: { type: 'string' },
    seconds: { type: 'string' },
    warmup: { type: 'string' },
    connections: { type: 'string', default: '10' },
    only: { type: 'string' },
    profile: { type: 'boolean', default: false },
  },
});

const quick = flags.quick === true;
// The in-process A/B (ab, about a minute) finds costs the middleware causes outside its own time (GC);
// --quick leaves it out, and the chain validator's own benchmark (fixed 1.5 s per task).
const phases = new Set((flags.only ?? (quick ? 'http,paired,micro,dn,memory' : 'http,ab,paired,micro,dn,chain,memory')).split(','));
const settings = {
  rounds: Number(flags.rounds ?? (quick ? 2 : 4)),
  seconds: Number(flags.seconds ?? (quick ? 1.5 : 3)),
  warmupRequests: quick ? 3000 : 8000,
  warmupSeconds: Number(flags.warmup ?? (quick ? 2 : 6)),
  connections: Number(flags.connections),
  poolSize: quick ? 1200 : 2000,
  ab: { pairs: quick ? 6 : 12, blockSize: 400, warmupRequests: quick ? 3000 : 6000, connections: Number(flags.connections) },
  paired: { rounds: quick ? 3 : 5, requestsPerRound: quick ? 8000 : 20_000, warmupRequests: quick ? 4000 : 8000, connections: Number(flags.connections) },
};
// --quick measures Express 5 only unless told otherwise, to stay under two minutes.
const expressFlag = flags.express ?? (quick ? '5' : 'both');
const expressVersions = expressFlag === 'both' ? ['5', '4'] : expressFlag.split(',');
const benchDir = fileURLToPath(new URL('.', import.meta.url));
const out: string[] = [];
const log = (line: string): void => console.error(line);

function machine(): string {
  const cpu = cpus();
  // Read the manifests directly: some packages' `exports` maps hide their package.json from require().
  const version = (pkg: string): string =>
    (JSON.parse(readFileSync(join(benchDir, '..', 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;
  return [
    `- ${new Date().toISOString()}, ${quick ? '`--quick`' : 'full run'}; command: \`npm run bench -- ${process.argv.slice(2).join(' ')}\``,
    `- Node ${process.version}, ${process.platform}/${process.arch}; ${cpu.length} × ${cpu[0]?.model ?? '?'}, ${Math.round(totalmem() / 2 ** 30)} GiB`,
    `- load average at start: ${loadavg().map((l) => l.toFixed(2)).join(', ')}`,
    `- express ${version('express')}, express4 ${version('express4')}, autocannon ${version('autocannon')}, tinybench ${version('tinybench')}`,
    `- HTTP: ${settings.rounds} rounds, ~${settings.seconds} s per run, warm-up ${settings.warmupRequests} requests or ${settings.warmupSeconds} s per server, ${settings.connections} connections, pool of ${settings.poolSize} certificates`,
    ...(phases.has('paired') ? [`- Paired: ${settings.paired.rounds} rounds of ${settings.paired.requestsPerRound} requests per pair after ${settings.paired.warmupRequests} warm-up requests`] : []),
    ...(phases.has('ab') ? [`- A/B: ${settings.ab.pairs} pairs of ${settings.ab.blockSize}-request blocks per scenario after ${settings.ab.warmupRequests} warm-up requests`] : []),
  ].join('\n');
}

/** Runs a benchmark script in its own process (own JIT state, own heap) and returns what it printed. */
function child(script: string, nodeArgs: string[] = []): string {
  log(`\n== ${script}`);
  const result = spawnSync(process.execPath, [...nodeArgs, '--import', 'tsx', join(benchDir, script), ...(quick ? ['--quick'] : [])],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 300_000 });
  if (result.status !== 0) return `(${script} failed: exit ${result.status ?? result.signal}; see stderr)`;
  log(result.stdout.trim());
  return result.stdout.trim();
}

async function http(): Promise<void> {
  const scenarios = selectScenarios(flags.scenario);
  const profileDir = flags.profile ? join(FIXTURE_DIR, `profiles-${Date.now()}`) : undefined;
  if (profileDir !== undefined) mkdirSync(profileDir, { recursive: true });
  const fixtures = await loadFixtures(settings.poolSize, log);
  const results: SuiteResult[] = [];
  const ab: AbResult[][] = [];
  const paired: PairedResult[][] = [];
  const selected = (id: string): boolean => scenarios.some((s) => s.id === id) || SCENARIOS.some((s) => s.id === id && s.referenceOnly);
  const pairs = PAIRS.filter((p) => selected(p.a) && selected(p.b));
  // --quick: the A/B for the scenarios with targets of their own only (2 and 5 against 6).
  const abScenarios = quick && flags.scenario === undefined ? selectScenarios('requireCN,cold,handrolled') : scenarios;
  for (const express of expressVersions) {
    log(`\n== HTTP, Express ${express}`);
    if (phases.has('http')) results.push(await runHttpSuite(fixtures, { express, scenarios, ...settings, profileDir, log }));
    if (phases.has('ab')) ab.push(await runAbSuite(fixtures, { express, scenarios: abScenarios, ...settings.ab, log }));
    if (phases.has('paired') && pairs.length) paired.push(await runPairedSuite(fixtures, { express, pairs, ...settings.paired, log }));
  }
  if (results.length) out.push('### HTTP scenarios', ...results.map((r) => scenarioTables(r, scenarios) + '\n'));
  if (ab.length) {
    out.push('### In-process A/B: CPU per request with and without the middleware (bench/http/toggle.ts)',
      ...ab.map((r) => `#### Express ${r[0]?.express ?? '?'}\n${abTable(r, scenarios)}\n`));
  }
  if (paired.length) {
    out.push('### Whole-request pairs: two apps in one server, a random one per request (bench/http/paired-server.ts)',
      ...paired.map((r) => `#### Express ${r[0]?.express ?? '?'}\n${pairedTable(r)}\n`));
  }
  const pairedRows = paired.flatMap((r) => pairedTargets(r));
  if (results.length || ab.length || paired.length) out.push('### Targets', targetTable(results, ab, pairedRows), '');
  if (profileDir !== undefined) out.push('### CPU profiles (top self time)', summarizeProfiles(profileDir), '');
}

async function main(): Promise<void> {
  out.push('### Machine and run', machine(), '');
  if (phases.has('micro') || phases.has('memory')) await loadFixtures(settings.poolSize, log);
  if (['http', 'ab', 'paired'].some((phase) => phases.has(phase))) await http();
  if (phases.has('micro')) {
    out.push('### Micro-benchmarks (CPU time per call)', child('micro/leaf.bench.ts'), '', child('micro/cold.bench.ts'), '',
      child('micro/warm.bench.ts'), '');
  }
  // The DN parser's and the chain validator's own benchmarks, run as their owners wrote them.
  if (phases.has('dn')) out.push('### parseDN (bench/dn.bench.ts, wall clock)', '```', child('dn.bench.ts'), '```', '');
  if (phases.has('chain')) out.push('### Passthrough chain verification (bench/chain.bench.ts)', '```', child('chain.bench.ts'), '```', '');
  if (phases.has('memory')) out.push('### Memory', child('memory.ts', ['--expose-gc']), '');
  const report = out.join('\n');
  mkdirSync(FIXTURE_DIR, { recursive: true });
  const file = join(FIXTURE_DIR, `report-${new Date().toISOString().replace(/[:.]/g, '-')}.md`);
  writeFileSync(file, report);
  console.log(report);
  log(`\nreport saved to ${file}`);
}

await main();
