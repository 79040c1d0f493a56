/**
 * Seeded, bounded mutation fuzz over every decoder, and the replay of every input that ever crashed, hung
 * or crawled (test/fuzz-corpus/*.json). Each target runs in a worker thread under a watchdog, so a hang
 * fails the test with the input saved instead of stalling CI. Longer runs: `npx tsx scripts/fuzz.ts`.
 */
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { describe, test } from 'node:test';
import { fuzzInWorker, readCorpus, readSeeds, saveFinding } from '../helpers/fuzz/fuzz-runner.js';
import { buildTargets, isRealTarget } from '../helpers/fuzz/fuzz-targets.js';
import { decodeInput, type CorpusEntry } from '../helpers/fuzz/fuzz-types.js';

const SEED = 20_250_101;
/** Inputs per target in CI: about half a second each on one core; `scripts/fuzz.ts` runs longer. */
const ITERATIONS: Readonly<Record<string, number>> = { 'chain-der': 600, 'chain-header': 1000, 'verify-headers': 1000, 'leaf-der': 1500 };
const DEFAULT_ITERATIONS = 2000;

const seeds = readSeeds();
const targets = buildTargets(seeds).map((t) => t.name);

const summary = (findings: readonly CorpusEntry[]): string[] => findings.map((f) => `${f.kind}: ${f.error}`);

describe('the fuzz harness catches what it is for', () => {
  test('a crashing decoder is reported, its input shrunk', async () => {
    const result = await fuzzInWorker({ target: 'canary-crash', seeds, seed: SEED, iterations: 50 });
    assert.deepEqual(summary(result.findings), ['crash: TypeError: canary crashed']);
    const input = decodeInput(result.findings[0]!.input) as string;
    assert.ok(input.length <= 2 || input.length === 4, `shrunk to ${JSON.stringify(input)}`);
  });

  test('a hanging decoder is stopped and its input reported', async () => {
    const result = await fuzzInWorker({ target: 'canary-hang', seeds, seed: SEED, iterations: 50, hangMs: 300 });
    assert.equal(result.findings.length, 1);
    assert.equal(result.findings[0]!.kind, 'hang');
    assert.notEqual(decodeInput(result.findings[0]!.input), 'abc');
  });
});

describe('corpus of past findings (regressions)', () => {
  const corpus = readCorpus();
  test('every corpus entry names a known target', () => {
    assert.deepEqual(corpus.filter(({ entry }) => !targets.includes(entry.target)).map(({ file }) => file), []);
  });
  // One worker per target replays all of its entries; each entry is its own test.
  const byTarget = new Map<string, typeof corpus>();
  for (const item of corpus) byTarget.set(item.entry.target, [...(byTarget.get(item.entry.target) ?? []), item]);
  for (const [target, items] of byTarget) {
    let replay: Promise<string[][]> | undefined;
    const replayAll = (): Promise<string[][]> => (replay ??= fuzzInWorker({ target, seeds, seed: SEED, iterations: items.length,
      inputs: items.map(({ entry }) => decodeInput(entry.input)) }).then((result) =>
      items.map((_, i) => summary(result.findings.filter((f) => f.iteration === i)))));
    items.forEach(({ file, entry }, i) => {
      test(`${file}: ${entry.kind} (${entry.error})`, async () => assert.deepEqual((await replayAll())[i], []));
    });
  }
});

describe(`mutation fuzz, seed ${SEED}`, { concurrency: availableParallelism() }, () => {
  for (const target of targets.filter(isRealTarget)) {
    const iterations = ITERATIONS[target] ?? DEFAULT_ITERATIONS;
    test(`${target}: ${iterations} inputs, only documented errors, none over 1 s`, async (t) => {
      const result = await fuzzInWorker({ target, seeds, seed: SEED, iterations });
      const files = result.findings.map(saveFinding);
      t.diagnostic(`${target}: ${result.count} inputs, worst ${result.worstMs.toFixed(2)} ms`);
      assert.equal(result.count, iterations);
      assert.deepEqual(summary(result.findings), [], `saved to test/fuzz-corpus/: ${files.join(', ')}`);
    });
  }
});
