/**
 * Parent side of the HTTP benchmarks: benchmark servers as child processes, and autocannon runs against
 * them on loopback, every run bounded both in request count and in time.
 * @module
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import type { ParentMessage } from './server.js';
import type { WindowStats } from './timing.js';
import type { ToggleStats } from './toggle.js';
import type { PairedStats } from './paired-server.js';

const SERVER_ENTRY = fileURLToPath(new URL('./server.ts', import.meta.url));

interface ChildMessage {
  readonly type: string;
  readonly port?: number;
  readonly error?: string;
  readonly stats?: WindowStats;
  readonly toggle?: ToggleStats;
  readonly paired?: PairedStats;
}

/** A running benchmark server. */
export class ServerProcess {
  private constructor(readonly child: ChildProcess, readonly port: number) {}

  /**
   * Forks `server.ts` for a scenario and Express major; `profileDir` turns on CPU profiling of the measured
   * windows, `toggleBlock` the in-process A/B mode of toggle.ts.
   */
  static async start(scenario: string, express: string, profileDir?: string, toggleBlock?: number): Promise<ServerProcess> {
    const env = profileDir === undefined ? process.env : { ...process.env, BENCH_PROFILE_DIR: profileDir };
    const args = toggleBlock === undefined ? [scenario, express] : [scenario, express, String(toggleBlock)];
    return ServerProcess.fork(SERVER_ENTRY, args, env);
  }

  /** Forks another server entry that speaks the same protocol (ready, reset, stats, exit). */
  static async fork(entry: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<ServerProcess> {
    const child = fork(entry, args, { execArgv: ['--import', 'tsx'], env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const first = await nextMessage(child, 60_000);
    if (first.type !== 'ready' || first.port === undefined) {
      child.kill();
      throw new Error(first.error ?? `server ${args.join(' ')} did not start`);
    }
    return new ServerProcess(child, first.port);
  }

  /** Sends a message and waits for the answer of the same type. */
  async ask(message: ParentMessage): Promise<ChildMessage> {
    const answer = nextMessage(this.child, 30_000);
    this.child.send(message);
    return answer;
  }

  /** Asks the server to exit and waits for it (so a CPU profile is written completely). */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.send({ type: 'exit' } satisfies ParentMessage);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}

function nextMessage(child: ChildProcess, timeoutMs: number): Promise<ChildMessage> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error('benchmark server did not answer in time')), timeoutMs);
    const onMessage = (message: ChildMessage): void => finish(undefined, message);
    const onExit = (code: number | null): void => finish(new Error(`benchmark server exited (code ${code})`));
    function finish(error: Error | undefined, message?: ChildMessage): void {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve(message!);
    }
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

/** How to load a server. */
export interface LoadOptions {
  /** Requests to send: a fixed number, so CPU per request is measured over the same count everywhere. */
  readonly amount: number;
  /** Hard stop, whatever the count reached. */
  readonly maxSeconds: number;
  readonly connections: number;
  /** Headers of request `i` (the same object every time for warm scenarios). */
  readonly headersFor: (i: number) => Record<string, string>;
}

/** The client's view of one run. */
export interface LoadResult {
  readonly requests: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly seconds: number;
  readonly requestsPerSecond: number;
  readonly latencyP99Ms: number;
}

/** Runs autocannon against `port` on loopback. */
export async function runLoad(port: number, options: LoadOptions): Promise<LoadResult> {
  let i = 0;
  const started = process.hrtime.bigint();
  const instance = autocannon({
    url: `http://127.0.0.1:${port}/`,
    connections: options.connections,
    pipelining: 1,
    amount: options.amount,
    requests: [{ method: 'GET', path: '/', setupRequest: (req) => ({ ...req, headers: { ...req.headers, ...options.headersFor(i++) } }) }],
  });
  // autocannon notices that `amount` is reached only on its next 1-second tick, so its own duration (and the
  // time until it resolves) rounds up to whole seconds: time the run to its last response instead.
  let last = started;
  instance.on('response', () => {
    last = process.hrtime.bigint();
  });
  const timer = setTimeout(() => instance.stop(), options.maxSeconds * 1000);
  const result = await instance;
  clearTimeout(timer);
  const seconds = Number(last - started) / 1e9;
  const ok = result['2xx'];
  return {
    requests: ok + result.non2xx,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    seconds,
    requestsPerSecond: ok / seconds,
    latencyP99Ms: result.latency.p99,
  };
}
