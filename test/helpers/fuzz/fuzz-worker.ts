/**
 * The fuzz loop, run in a worker thread so that the main thread can stop a hung decoder: the worker
 * publishes the index of the input it is running in shared memory before running it.
 */
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { describeFailure, failureOf, generate, shrink } from './fuzz-generate.js';
import { buildTargets } from './fuzz-targets.js';
import type { FuzzInput, FuzzSeeds } from './fuzz-types.js';

/** What the main thread sends. */
export interface WorkerJob {
  readonly target: string;
  readonly seeds: FuzzSeeds;
  readonly seed: number;
  readonly iterations: number;
  /** Replay these inputs instead of generating. */
  readonly inputs?: readonly FuzzInput[];
  /** An input slower than this is reported (a sanity ceiling, not a benchmark). */
  readonly slowMs: number;
  /** Int32Array(1): the index being run. */
  readonly progress: SharedArrayBuffer;
}

/** What the worker reports. */
export type WorkerMessage =
  | { readonly type: 'finding'; readonly kind: 'crash' | 'slow'; readonly index: number; readonly input: FuzzInput; readonly error: string }
  | { readonly type: 'done'; readonly count: number; readonly worstMs: number; readonly worstIndex: number };

function timeOf(run: () => unknown): number {
  const started = performance.now();
  run();
  return performance.now() - started;
}

function main(job: WorkerJob): void {
  const target = buildTargets(job.seeds).find((t) => t.name === job.target);
  if (target === undefined) throw new Error(`no fuzz target '${job.target}'`);
  const progress = new Int32Array(job.progress);
  const seen = new Set<string>();
  const total = job.inputs?.length ?? job.iterations;
  let worstMs = 0;
  let worstIndex = -1;
  for (let i = 0; i < total; i++) {
    Atomics.store(progress, 0, i);
    const input = job.inputs?.[i] ?? generate(target, job.seed, i);
    const started = performance.now();
    const failure = failureOf(target, input);
    let ms = performance.now() - started;
    // Wall time includes GC pauses and other processes: a slow input counts only if it stays slow.
    for (let again = 0; again < 2 && ms > job.slowMs; again++) ms = Math.min(ms, timeOf(() => failureOf(target, input)));
    if (ms > worstMs) [worstMs, worstIndex] = [ms, i];
    const error = failure === undefined ? (ms > job.slowMs ? `took ${ms.toFixed(0)} ms` : undefined) : describeFailure(failure);
    // One report per distinct failure (a bug tends to be hit many times), except when replaying the corpus.
    if (error === undefined || (job.inputs === undefined && (seen.has(error) || seen.size >= 20))) continue;
    seen.add(error);
    const kind = failure === undefined ? 'slow' : 'crash';
    const saved = kind === 'crash' && job.inputs === undefined ? shrink(target, input) : input;
    parentPort!.postMessage({ type: 'finding', kind, index: i, input: saved, error } satisfies WorkerMessage);
  }
  parentPort!.postMessage({ type: 'done', count: total, worstMs, worstIndex } satisfies WorkerMessage);
}

main(workerData as WorkerJob);
