/**
 * The `express-alb-mtls` command: `proxy` runs the local ALB emulator. `main()` returns the exit status
 * instead of exiting, so tests can call it in process.
 * @module
 */
import { parseProxyArgs, UsageError, type ProxyArgs } from './args.js';
import { startAlbEmulator, type AlbEmulator } from '../testing/emulator/emulator.js';
import type { AccessLogEntry } from '../testing/emulator/options.js';
import { refusalLine } from '../testing/emulator/refusal.js';
import { MAIN_HELP, PROXY_HELP } from './help.js';

/** Where the command writes, and how it waits for Ctrl-C (replaceable in tests). */
export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** Resolves when the process is asked to stop (SIGINT / SIGTERM). */
  readonly stopSignal: () => Promise<void>;
}

const processIo: CliIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  stopSignal: () => new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  }),
};

function accessLine(e: AccessLogEntry): string {
  return `${new Date().toISOString()} ${e.client} "${e.method} ${e.path}" ${e.status} ${e.ms}ms ${e.subject ?? '-'}\n`;
}

function banner(proxy: AlbEmulator, args: ProxyArgs): string {
  const o = args.options;
  const mode = o.mode === 'passthrough' ? 'passthrough (nothing verified)'
    : `verify against ${args.trustStorePath}${o.ignoreClientCertificateExpiry ? ', expired certificates accepted' : ''}`;
  return `express-alb-mtls proxy: ALB emulator listening on ${proxy.url}\n` +
    `  mode:   ${mode}\n  target: ${String(o.target)}${o.sourceAddress ? ` (from ${o.sourceAddress})` : ''}\n` +
    (proxy.serverCaPem ? '  server certificate: generated for localhost (clients need -k / --insecure)\n' : '') +
    '  Ctrl-C to stop\n';
}

async function runProxy(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseProxyArgs(argv);
  if (args.help) {
    io.out(PROXY_HELP);
    return 0;
  }
  let proxy: AlbEmulator;
  try {
    proxy = await startAlbEmulator({
      ...args.options,
      onRequest: args.quiet ? undefined : (entry) => io.out(accessLine(entry)),
      // Refusals are reported even with --quiet: they are why a client got no answer at all.
      onRefusal: (refusal) => io.out(`${new Date().toISOString()} ${refusalLine(refusal)}\n`),
    });
  } catch (error) {
    if (error instanceof TypeError) throw new UsageError(error.message);
    io.err(`express-alb-mtls proxy: cannot start: ${(error as Error).message}\n`);
    return 1;
  }
  io.out(banner(proxy, args));
  await io.stopSignal();
  await proxy.close();
  return 0;
}

/** Runs the command with `argv` (without `node` and the script). Resolves with the exit status. */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === '-h' || command === '--help' || command === 'help') {
      io.out(MAIN_HELP);
      return 0;
    }
    if (command === 'proxy') return await runProxy(rest, io);
    throw new UsageError(command === undefined ? 'missing command (try --help)' : `unknown command '${command}' (try --help)`);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err(`express-alb-mtls: ${error.message}\n`);
    return 2;
  }
}
