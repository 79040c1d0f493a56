/**
 * In-process A/B for a benchmark server: the middleware under test runs on alternate blocks of requests
 * and is skipped on the others, and the process CPU time of every block is recorded. Both conditions then
 * share the process, the JIT state, the connections and, block by block, the same moments of a noisy
 * machine, so the median difference between neighbouring blocks measures the CPU the middleware adds far
 * more steadily than comparing two servers' throughput.
 * @module
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';

/** CPU per request of every completed block, µs, by condition. */
export interface ToggleStats {
  readonly blockSize: number;
  readonly on: readonly number[];
  readonly off: readonly number[];
}

/** Counts requests into blocks and flips the condition at each block boundary. */
export class BlockToggle {
  #on = true;
  #count = 0;
  #start = process.cpuUsage();
  #blocks: { on: number[]; off: number[] } = { on: [], off: [] };

  constructor(readonly blockSize: number) {}

  /** Starts over (the next block runs the middleware). */
  reset(): void {
    this.#on = true;
    this.#count = 0;
    this.#blocks = { on: [], off: [] };
    this.#start = process.cpuUsage();
  }

  /** Called as each request enters; tells whether it runs the middleware. */
  enter(): boolean {
    if (this.#count === this.blockSize) {
      // Requests still in flight (at most the connection count) straddle the boundary: <1% of a block.
      const cpu = process.cpuUsage(this.#start);
      (this.#on ? this.#blocks.on : this.#blocks.off).push((cpu.user + cpu.system) / this.blockSize);
      this.#on = !this.#on;
      this.#count = 0;
      this.#start = process.cpuUsage();
    }
    this.#count++;
    return this.#on;
  }

  /** The blocks completed so far. */
  stats(): ToggleStats {
    return { blockSize: this.blockSize, on: [...this.#blocks.on], off: [...this.#blocks.off] };
  }
}

/** Runs `handlers` in order as one middleware on "on" blocks; calls `next()` straight away on "off" blocks. */
export function toggledChain(handlers: readonly RequestHandler[], toggle: BlockToggle): RequestHandler {
  return function toggled(req: Request, res: Response, next: NextFunction): void {
    void req.headers; // as in timedChain: Express reads them anyway, and both conditions must pay the same
    if (!toggle.enter()) {
      next();
      return;
    }
    let index = 0;
    const step = (error?: unknown): void => {
      const handler = handlers[index++];
      if (handler === undefined || (error !== undefined && error !== null)) next(error);
      else void handler(req, res, step);
    };
    step();
  };
}
