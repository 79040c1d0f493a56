/**
 * tinybench wrapper shared by the micro-benchmarks, built for a shared, noisy machine: every sample is a
 * batch of calls timed with the process's **CPU time** (`process.cpuUsage()`, reported to tinybench as
 * `overriddenDuration`), so time spent descheduled while other processes run does not count. Wall-clock
 * per-call samples measured here swung 10x between runs; CPU time per batch stays within a few percent.
 * @module
 */
import { Bench } from 'tinybench';
import { markdownTable } from '../stats.js';

/** `--quick` takes fewer samples. */
export const QUICK = process.argv.includes('--quick');

/** One task: a name and a synchronous function (its result is kept so it cannot be optimised away). */
export type Task = readonly [name: string, fn: () => unknown];

/** CPU time of a batch: long enough that the 1 µs resolution of `cpuUsage()` is noise-free. */
const BATCH_CPU_US = 5000;
const SAMPLES = QUICK ? 25 : 80;

let sink: unknown;

/**
 * Process CPU time in µs. (The main thread's own clock would exclude GC and compiler helper threads, but
 * Node 20 has no `process.threadCpuUsage()`, and /proc's schedstat only advances at scheduler ticks.)
 */
function cpuNowUs(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

/**
 * How many calls of `fn` make one batch (also warms `fn` up). The clock is read every 64 calls: one
 * `cpuUsage()` costs about 1.8 µs here, and reading it after every call of a 0.6 µs function made batches a
 * quarter of their intended length, short enough for the GC and compiler threads' CPU to swamp them.
 */
function batchSize(fn: () => unknown): number {
  let calls = 0;
  const start = cpuNowUs();
  while (cpuNowUs() - start < BATCH_CPU_US * 4) {
    for (let i = 0; i < 64; i++) sink = fn();
    calls += 64;
  }
  return Math.max(1, Math.round(calls / 4));
}

interface Rate {
  readonly medianUs: number;
  /** Median absolute deviation of the batches, µs per call. */
  readonly madUs: number;
}

function rateOf(bench: Bench, name: string): Rate {
  const result = bench.getTask(name)?.result;
  if (result === undefined || !('latency' in result)) return { medianUs: Number.NaN, madUs: Number.NaN };
  return { medianUs: result.latency.p50 * 1000, madUs: result.latency.mad * 1000 };
}

/**
 * Runs `tasks` and returns a Markdown table of CPU time per call (median and MAD over batches) and the
 * speed relative to `reference`. Each task runs once first, so a throwing task fails loudly.
 */
export async function runGroup(title: string, tasks: readonly Task[], reference: string): Promise<string> {
  // `time: 0`: only the sample count bounds a task (the overridden durations are per call, tiny).
  const bench = new Bench({
    name: title, time: 0, iterations: SAMPLES, warmup: true, warmupTime: 0, warmupIterations: Math.ceil(SAMPLES / 4),
  });
  for (const [name, fn] of tasks) {
    const size = batchSize(fn);
    bench.add(name, () => {
      const start = cpuNowUs();
      for (let i = 0; i < size; i++) sink = fn();
      return { overriddenDuration: (cpuNowUs() - start) / 1000 / size };
    });
  }
  await bench.run();
  void sink;
  const base = rateOf(bench, reference).medianUs;
  const rows = tasks.map(([name]) => {
    const r = rateOf(bench, name);
    return [name, Math.round(1e6 / r.medianUs).toLocaleString('en-US'), `${r.medianUs.toFixed(2)} ± ${r.madUs.toFixed(2)}`,
      name === reference ? '1.00' : (base / r.medianUs).toFixed(2)];
  });
  return `**${title}**\n\n${markdownTable(['task', 'ops per CPU-second', 'CPU µs/call (median ± MAD of batches)',
    `speed × ${reference}`], rows)}\n`;
}

/**
 * Per-call wall-clock latency of `tasks` (tinybench's own per-call timing, no batching): the tail of
 * the distribution, which batch CPU times cannot show. On a loaded machine the tail includes descheduling.
 */
export async function runLatency(title: string, tasks: readonly Task[]): Promise<string> {
  const bench = new Bench({ name: title, time: QUICK ? 500 : 2000, warmup: true, warmupTime: 200, retainSamples: true });
  for (const [name, fn] of tasks) {
    bench.add(name, () => {
      sink = fn();
    });
  }
  await bench.run();
  const rows = tasks.map(([name]) => {
    const result = bench.getTask(name)?.result;
    if (result === undefined || !('latency' in result)) return [name, 'n/a', 'n/a', 'n/a', 'n/a', 'n/a'];
    const l = result.latency;
    const samples = l.samples ?? [];
    const p999 = samples.length ? samples[Math.min(samples.length - 1, Math.floor(samples.length * 0.999))]! : Number.NaN;
    return [name, l.samplesCount.toLocaleString('en-US'), (l.p50 * 1000).toFixed(2), (l.p99 * 1000).toFixed(2),
      (p999 * 1000).toFixed(1), (l.max * 1000).toFixed(0)];
  });
  return `**${title}**\n\n${markdownTable(['task', 'calls', 'p50 µs', 'p99 µs', 'p99.9 µs', 'max µs'], rows)}\n`;
}

/** A function that hands out the items of `items` in turn, for benchmarks that need a fresh input per call. */
export function cycle<T>(items: readonly T[]): () => T {
  let i = 0;
  return () => items[i++ % items.length]!;
}
