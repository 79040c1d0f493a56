/**
 * parseDN against the DN parsers users reach for today: @ldapjs/dn (`DN.fromString`) and rfc2253 (`parse`).
 * Run: node --import tsx bench/dn.bench.ts  (target, issue 6: >= 1,000,000 ops/s on the ALB example DN and
 * faster than both libraries on every input). Reports tinybench's wall-clock throughput and calls per CPU
 * second; on a loaded machine trust the second.
 */
import { createRequire } from 'node:module';
import { Bench } from 'tinybench';
import { parseDN } from '../src/core/dn/dn.js';

// Both comparison libraries are CommonJS without type declarations.
const require = createRequire(import.meta.url);
const { DN } = require('@ldapjs/dn') as { DN: { fromString(dn: string): unknown } };
const { parse: rfc2253Parse } = require('rfc2253') as { parse(dn: string): unknown };

/** 1 KB: a long chain of OUs with a few escapes, the size of a verbose enterprise subject. */
function kilobyteDn(): string {
  let dn = 'CN=service-account\\, batch jobs,emailAddress=batch@example.org';
  for (let i = 0; dn.length < 1024; i++) dn += `,OU=Department ${i} of the Example Organisation`;
  return dn + ',O=Example Org,L=Seattle,ST=Washington,C=US';
}

const INPUTS: ReadonlyArray<readonly [string, string]> = [
  ['ALB example', 'CN=client_.com,OU=client-3,O=mTLS,ST=Washington,C=US'],
  ['Estonian ID (UTF-8)', 'serialNumber=PNOEE-47101010033,GN=MARILIIS,SN=M\\C3\\84NNIK,CN=M\\C3\\84NNIK\\,MARILIIS\\,47101010033,C=EE'],
  ['1 KB DN', kilobyteDn()],
];

const PARSERS: ReadonlyArray<readonly [string, (dn: string) => unknown]> = [
  ['parseDN', (dn) => parseDN(dn)],
  ['@ldapjs/dn', (dn) => DN.fromString(dn)],
  ['rfc2253', (dn) => rfc2253Parse(dn)],
];

let sink: unknown;

/**
 * Calls per second of CPU time (process.cpuUsage over batches until `budgetMs` of CPU is spent): on a shared,
 * noisy machine this is far steadier than wall-clock throughput, which counts time the process did not run.
 */
function cpuOpsPerSecond(parse: (dn: string) => unknown, dn: string, budgetMs = 400): number {
  let calls = 0;
  const start = process.cpuUsage();
  let spentMicros = 0;
  while (spentMicros < budgetMs * 1000) {
    for (let i = 0; i < 1000; i++) sink = parse(dn);
    calls += 1000;
    const used = process.cpuUsage(start);
    spentMicros = used.user + used.system;
  }
  return (calls * 1e6) / spentMicros;
}

const rows: Array<Record<string, string>> = [];
for (const [inputName, dn] of INPUTS) {
  const bench = new Bench({ name: inputName, time: 1000, warmup: true });
  for (const [parserName, parse] of PARSERS) {
    parse(dn); // each parser must accept the input: a throwing parser would look fast
    bench.add(parserName, () => {
      sink = parse(dn);
    }, { async: false });
  }
  await bench.run();
  // Mean time per call (total time / runs): steadier than the mean of per-sample rates for sub-µs tasks.
  const opsOf = (name: string): number => {
    const result = bench.getTask(name)?.result;
    return result !== undefined && 'period' in result ? 1000 / result.period : Number.NaN;
  };
  const cpuOps = new Map(PARSERS.map(([name, parse]) => [name, cpuOpsPerSecond(parse, dn)]));
  const ours = opsOf('parseDN');
  const oursCpu = cpuOps.get('parseDN')!;
  const format = (ops: number): string => Math.round(ops).toLocaleString('en-US');
  for (const [parserName] of PARSERS) {
    const ops = opsOf(parserName);
    const cpu = cpuOps.get(parserName)!;
    rows.push({
      input: `${inputName} (${dn.length} chars)`,
      parser: parserName,
      'ops/s (wall)': format(ops),
      'ops/CPU-s': format(cpu),
      'parseDN speed-up (wall, CPU)': parserName === 'parseDN' ? '' : `${(ours / ops).toFixed(1)}x, ${(oursCpu / cpu).toFixed(1)}x`,
    });
  }
}
void sink;
console.log(`Node ${process.version}, ${process.platform}/${process.arch}`);
console.table(rows);
