/**
 * Server-side measurement: CPU time of the whole process over a window of requests, and the wall time
 * spent inside the middleware under test for each request.
 * @module
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { quantileSorted } from '../stats.js';

/** What a server reports for one measurement window. */
export interface WindowStats {
  /** Requests that went through the measured middleware chain. */
  readonly requests: number;
  /** User + system CPU time of the server process over the window, µs. */
  readonly cpuUs: number;
  /** `cpuUs / requests`. */
  readonly cpuPerRequestUs: number;
  /** Median, p99 and mean of the time inside the measured chain, µs. */
  readonly middlewareMedianUs: number;
  readonly middlewareP99Us: number;
  readonly middlewareMeanUs: number;
  readonly rssBytes: number;
  readonly heapUsedBytes: number;
}

/** Per-request samples beyond this are not kept (the count and CPU still are): bounds the server's memory. */
const MAX_SAMPLES = 1 << 20;

/** Collects one window of measurements; `reset()` starts a new window. */
export class Recorder {
  readonly #samples = new Float64Array(MAX_SAMPLES);
  #count = 0;
  #cpu = process.cpuUsage();

  /** Starts a new window. */
  reset(): void {
    this.#count = 0;
    this.#cpu = process.cpuUsage();
  }

  /** Records one request's time inside the chain, in nanoseconds. */
  record(ns: bigint): void {
    if (this.#count < MAX_SAMPLES) this.#samples[this.#count] = Number(ns) / 1000;
    this.#count++;
  }

  /** The window's figures. CPU is read first, so computing the percentiles is not counted. */
  stats(): WindowStats {
    const cpu = process.cpuUsage(this.#cpu);
    const cpuUs = cpu.user + cpu.system;
    const kept = this.#samples.slice(0, Math.min(this.#count, MAX_SAMPLES)).sort();
    let sum = 0;
    for (const v of kept) sum += v;
    const memory = process.memoryUsage();
    return {
      requests: this.#count,
      cpuUs,
      cpuPerRequestUs: this.#count > 0 ? cpuUs / this.#count : Number.NaN,
      middlewareMedianUs: quantileSorted(kept, 0.5),
      middlewareP99Us: quantileSorted(kept, 0.99),
      middlewareMeanUs: kept.length > 0 ? sum / kept.length : Number.NaN,
      rssBytes: memory.rss,
      heapUsedBytes: memory.heapUsed,
    };
  }
}

/**
 * Runs `handlers` in order as one middleware and records the time from entering the first to the last one
 * calling `next()`. Calling the handlers directly (not as separate Express layers) measures their own cost
 * without Express's per-layer dispatch; with no handlers it measures the timer's own floor.
 */
export function timedChain(handlers: readonly RequestHandler[], recorder: Recorder): RequestHandler {
  return function timed(req: Request, res: Response, next: NextFunction): void {
    // Node builds `req.headers` lazily from `rawHeaders` on first access. Every Express response reads it
    // anyway (`res.send` checks `req.fresh`), so bare Express pays it too: build it before the clock starts,
    // or the first middleware to touch it would be charged for a cost it does not add.
    void req.headers;
    const start = process.hrtime.bigint();
    let index = 0;
    const step = (error?: unknown): void => {
      const handler = handlers[index++];
      if (handler === undefined || (error !== undefined && error !== null)) {
        recorder.record(process.hrtime.bigint() - start);
        next(error);
        return;
      }
      void handler(req, res, step);
    };
    step();
  };
}
