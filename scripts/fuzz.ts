/**
 * Longer local fuzz runs than CI's (test/core/fuzz.test.ts): every target, fresh seeds, until time is up.
 * Findings are saved to test/fuzz-corpus/ and replayed by `npm test` from then on.
 *
 *   npx tsx scripts/fuzz.ts [--seconds 60] [--target dn ...] [--seed 1234]
 *   npx tsx scripts/fuzz.ts --write-seeds     # regenerate test/fuzz-corpus/seeds.json (then commit it)
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { fuzzInWorker, CORPUS_DIR, readSeeds, saveFinding } from '../test/helpers/fuzz/fuzz-runner.js';
import { makeSeeds } from '../test/helpers/fuzz/fuzz-seeds.js';
import { buildTargets, isRealTarget } from '../test/helpers/fuzz/fuzz-targets.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    target: { type: 'string', multiple: true },
    seed: { type: 'string' },
    'write-seeds': { type: 'boolean', default: false },
  },
});

async function writeSeeds(): Promise<void> {
  const path = `${CORPUS_DIR}seeds.json`;
  writeFileSync(path, JSON.stringify(await makeSeeds(), null, 2) + '\n');
  console.log(`wrote ${path}`);
}

async function fuzz(): Promise<number> {
  const seeds = readSeeds();
  const names = buildTargets(seeds).map((t) => t.name).filter(isRealTarget);
  const chosen = values.target ?? names;
  const unknown = chosen.filter((n) => !names.includes(n));
  if (unknown.length) throw new Error(`unknown target(s) ${unknown.join(', ')}; known: ${names.join(', ')}`);
  const deadline = Date.now() + Number(values.seconds) * 1000;
  let seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);
  console.log(`fuzzing ${chosen.join(', ')} for ${values.seconds} s from seed ${seed}`);
  const stats = new Map<string, { count: number; worstMs: number }>();
  let findings = 0;
  for (; Date.now() < deadline; seed++) {
    for (const target of chosen) {
      if (Date.now() >= deadline) break;
      const result = await fuzzInWorker({ target, seeds, seed, iterations: 5000 });
      const s = stats.get(target) ?? { count: 0, worstMs: 0 };
      stats.set(target, { count: s.count + result.count, worstMs: Math.max(s.worstMs, result.worstMs) });
      for (const finding of result.findings) {
        findings++;
        console.log(`  ${finding.kind} in ${target} (seed ${seed}, input ${finding.iteration}): ${finding.error}`);
        console.log(`    saved test/fuzz-corpus/${saveFinding(finding)}`);
      }
    }
  }
  for (const [target, s] of stats) console.log(`${target}: ${s.count} inputs, worst ${s.worstMs.toFixed(2)} ms`);
  return findings;
}

if (values['write-seeds']) await writeSeeds();
else process.exitCode = (await fuzz()) > 0 ? 1 : 0;
