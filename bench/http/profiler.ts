/**
 * CPU profile of a benchmark server's measured windows: V8's sampling profiler through `node:inspector`,
 * started at the first `reset` (after warm-up), so start-up (tsx compiling the sources) and warm-up,
 * which dominate a whole-process `--cpu-prof`, stay out of it. Between windows the server is idle while
 * the other scenarios run; those samples are `(idle)`, which the summary drops.
 * @module
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

/** Sampling interval, µs: a warm request costs a few hundred µs, so the default 1 ms sees too little. */
const INTERVAL_US = 100;

/** A profile covering every measured window, written once on exit. */
export class WindowProfiler {
  readonly #session = new Session();
  #started = false;

  constructor(private readonly file: string) {
    this.#session.connect();
    this.#session.post('Profiler.enable');
    this.#session.post('Profiler.setSamplingInterval', { interval: INTERVAL_US });
  }

  /** Starts sampling (once; later calls do nothing). */
  start(): void {
    if (this.#started) return;
    this.#session.post('Profiler.start');
    this.#started = true;
  }

  /** Stops the profiler and writes the profile. */
  save(): Promise<void> {
    if (!this.#started) return Promise.resolve();
    return new Promise((resolve) => {
      this.#session.post('Profiler.stop', (error, result) => {
        if (!error) writeFileSync(this.file, JSON.stringify(result.profile));
        resolve();
      });
    });
  }
}
