/**
 * Runs a fuzz target in a worker thread with a watchdog, and keeps the corpus in test/fuzz-corpus/:
 * `seeds.json` (the seed certificates) and one JSON file per input that ever crashed, hung or crawled.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { generate } from './fuzz-generate.js';
import { buildTargets } from './fuzz-targets.js';
import { encodeInput, type CorpusEntry, type FuzzInput, type FuzzSeeds } from './fuzz-types.js';
import type { WorkerJob, WorkerMessage } from './fuzz-worker.js';

/** The corpus folder. */
export const CORPUS_DIR = fileURLToPath(new URL('../../fuzz-corpus/', import.meta.url));

/** The committed seed certificates. */
export function readSeeds(): FuzzSeeds {
  return JSON.parse(readFileSync(`${CORPUS_DIR}seeds.json`, 'utf8')) as FuzzSeeds;
}

/** Every saved finding, with its file name. */
export function readCorpus(): Array<{ file: string; entry: CorpusEntry }> {
  if (!existsSync(CORPUS_DIR)) return [];
  return readdirSync(CORPUS_DIR).filter((f) => f.endsWith('.json') && f !== 'seeds.json').sort()
    .map((file) => ({ file, entry: JSON.parse(readFileSync(CORPUS_DIR + file, 'utf8')) as CorpusEntry }));
}

/** Saves a finding (once: the file name is a hash of target and input); returns the file name. */
export function saveFinding(entry: CorpusEntry): string {
  const hash = createHash('sha256').update(entry.target).update(JSON.stringify(entry.input)).digest('hex').slice(0, 12);
  const file = `${entry.target}-${entry.kind}-${hash}.json`;
  mkdirSync(CORPUS_DIR, { recursive: true });
  if (!existsSync(CORPUS_DIR + file)) writeFileSync(CORPUS_DIR + file, JSON.stringify(entry, null, 2) + '\n');
  return file;
}

/** Options of {@link fuzzInWorker}. */
export interface FuzzRun {
  readonly target: string;
  readonly seeds: FuzzSeeds;
  readonly seed: number;
  readonly iterations: number;
  /** Replay exactly these inputs. */
  readonly inputs?: readonly FuzzInput[];
  /** One input running longer than this is a hang: the worker is stopped. Default 5000. */
  readonly hangMs?: number;
  /** One input slower than this is reported as slow. Default 1000. */
  readonly slowMs?: number;
}

/** What a run found. */
export interface FuzzResult {
  readonly count: number;
  readonly worstMs: number;
  /** The slowest input (to print it). */
  readonly worstInput: FuzzInput | undefined;
  readonly findings: CorpusEntry[];
}

// Workers do not inherit tsx's loader hooks from --import in Node 20: register them inside the worker.
const BOOT = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((api) => { api.register(); `
  + `return import(${JSON.stringify(new URL('./fuzz-worker.ts', import.meta.url).href)}); })`;

/** Runs one target in a worker; a hung input is rebuilt from its index and reported as a finding. */
export function fuzzInWorker(run: FuzzRun): Promise<FuzzResult> {
  const progress = new SharedArrayBuffer(4);
  const index = new Int32Array(progress);
  Atomics.store(index, 0, -1);
  const job: WorkerJob = { target: run.target, seeds: run.seeds, seed: run.seed, iterations: run.iterations,
    inputs: run.inputs, slowMs: run.slowMs ?? 1000, progress };
  const findings: CorpusEntry[] = [];
  const inputAt = (i: number): FuzzInput => run.inputs?.[i]
    ?? generate(buildTargets(run.seeds).find((t) => t.name === run.target)!, run.seed, i);
  const entry = (kind: CorpusEntry['kind'], i: number, input: FuzzInput, error: string): CorpusEntry =>
    ({ target: run.target, kind, input: encodeInput(input), error, seed: run.seed, iteration: i });
  return new Promise((resolve, reject) => {
    const worker = new Worker(BOOT, { eval: true, workerData: job, resourceLimits: { maxOldGenerationSizeMb: 1024 } });
    let last = -1;
    let since = Date.now();
    const watchdog = setInterval(() => {
      const now = Atomics.load(index, 0);
      if (now !== last) [last, since] = [now, Date.now()];
      else if (now >= 0 && Date.now() - since > (run.hangMs ?? 5000)) {
        clearInterval(watchdog);
        void worker.terminate();
        findings.push(entry('hang', now, inputAt(now), `no answer after ${run.hangMs ?? 5000} ms`));
        resolve({ count: now + 1, worstMs: Infinity, worstInput: inputAt(now), findings });
      }
    }, 50);
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'finding') findings.push(entry(m.kind, m.index, m.input, m.error));
      else {
        clearInterval(watchdog);
        void worker.terminate();
        resolve({ count: m.count, worstMs: m.worstMs, worstInput: m.worstIndex < 0 ? undefined : inputAt(m.worstIndex), findings });
      }
    });
    worker.on('error', (error) => {
      // An error outside the per-input try (out of memory, a failed import) ends the worker.
      clearInterval(watchdog);
      const at = Atomics.load(index, 0);
      if (at < 0) reject(error);
      else resolve({ count: at + 1, worstMs: Infinity, worstInput: undefined, findings: [...findings, entry('crash', at, inputAt(at), String(error))] });
    });
  });
}
