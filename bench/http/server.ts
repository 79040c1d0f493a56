/**
 * One benchmark server, run as a child process by `bench/http/load.ts` (forked, so it has an IPC channel):
 * `node --import tsx bench/http/server.ts <scenario-id> <4|5> [toggle block size]` (see toggle.ts).
 *
 * Its own process, so the load generator's CPU never mixes with the server's in `process.cpuUsage()`.
 * Protocol over IPC: it sends `{ type: 'ready', port }` (or `{ type: 'failed', error }`), then answers
 * `{ type: 'reset' }` with `{ type: 'reset' }` and `{ type: 'stats' }` with `{ type: 'stats', stats }`;
 * `{ type: 'exit' }` closes it. With `BENCH_PROFILE_DIR` set, it CPU-profiles the measured windows only
 * (not start-up or warm-up) and writes `<scenario>-express<N>.cpuprofile` there on exit.
 * @module
 */
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { readFixtures } from '../fixtures.js';
import { createApp, errorHandler, finalHandler } from './app.js';
import { SCENARIOS } from './scenarios.js';
import { WindowProfiler } from './profiler.js';
import { Recorder, timedChain } from './timing.js';
import { BlockToggle, toggledChain } from './toggle.js';

/** Messages the parent sends. */
export type ParentMessage = { type: 'reset' } | { type: 'stats' } | { type: 'exit' };

interface Started {
  readonly server: Server;
  readonly recorder: Recorder;
  /** Set in toggle mode (see toggle.ts). */
  readonly toggle: BlockToggle | undefined;
}

async function start(id: string, version: string, toggleBlock: number | undefined): Promise<Started> {
  const scenario = SCENARIOS.find((s) => s.id === id);
  if (scenario === undefined) throw new Error(`unknown scenario ${id}`);
  const recorder = new Recorder();
  const toggle = toggleBlock === undefined ? undefined : new BlockToggle(toggleBlock);
  const app = await createApp(version);
  // Route handlers join the timed unit: what it measures is the time inside everything the scenario adds.
  const handlers = [...await scenario.build(readFixtures()), ...(await scenario.route?.() ?? [])];
  app.use(toggle ? toggledChain(handlers, toggle) : timedChain(handlers, recorder));
  // Toggle mode's "off" blocks carry no certificate: the handler must answer them alike.
  app.get('/', finalHandler(scenario.expectsCert && toggle === undefined));
  app.use(errorHandler);
  // The passthrough chain header is ~2-3 KB; keep Node's default limit, as users have it.
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, recorder, toggle };
}

function send(message: unknown): void {
  process.send?.(message);
}

function serve({ server, recorder, toggle }: Started, profiler: WindowProfiler | undefined): void {
  process.on('message', (message: ParentMessage) => {
    if (message.type === 'reset') {
      recorder.reset();
      toggle?.reset();
      profiler?.start();
      send({ type: 'reset' });
    } else if (message.type === 'stats') {
      send({ type: 'stats', stats: recorder.stats(), toggle: toggle?.stats() });
    } else if (message.type === 'exit') {
      server.closeAllConnections();
      server.close(() => void (profiler?.save() ?? Promise.resolve()).finally(() => process.exit(0)));
    }
  });
  // Never outlive the runner, even if it dies without saying goodbye.
  process.on('disconnect', () => process.exit(0));
  send({ type: 'ready', port: (server.address() as AddressInfo).port });
}

const [id = '', version = '5', toggleBlock] = process.argv.slice(2);
const profileDir = process.env.BENCH_PROFILE_DIR;
start(id, version, toggleBlock === undefined ? undefined : Number(toggleBlock)).then(
  (started) => serve(started, profileDir ? new WindowProfiler(join(profileDir, `${id}-express${version}.cpuprofile`)) : undefined),
  (error: unknown) => {
    send({ type: 'failed', error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    process.exitCode = 1;
    process.disconnect?.();
  },
);
