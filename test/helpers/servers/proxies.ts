/**
 * Real front doors we did not write (Debian's HAProxy, Caddy and Apache httpd) as TLS terminators in front
 * of a test app: found on this machine, configured from scratch in a temporary folder (configs in
 * `proxy-configs.ts`), started in the foreground on a free loopback port, and stopped again. Nothing here
 * uses the system services the Debian packages install, their configs, ports or pid files.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { freePort, portOpen } from './ports.js';
import { join } from 'node:path';
import { APACHE_MODULES, apacheConfig, caddyConfig, haproxyConfig, type ProxyFiles } from './proxy-configs.js';

/** The front doors, by name. */
export type FrontDoor = 'haproxy' | 'caddy' | 'apache';

/** Where a front door's binary is, or why it cannot be used. */
export type ProxyLookup = { readonly binary: string } | { readonly missing: string };

const APACHE_MODULE_DIR = '/usr/lib/apache2/modules';

const CANDIDATES: Readonly<Record<FrontDoor, { paths: readonly string[]; install: string }>> = {
  haproxy: { paths: ['/usr/sbin/haproxy', '/usr/local/sbin/haproxy', '/usr/bin/haproxy'], install: 'apt-get install haproxy' },
  caddy: { paths: ['/usr/bin/caddy', '/usr/local/bin/caddy'], install: 'apt-get install caddy' },
  apache: { paths: ['/usr/sbin/apache2', '/usr/sbin/httpd'], install: 'apt-get install apache2' },
};

/** Looks for the binary (and, for Apache, the modules the config loads). */
export function findProxy(door: FrontDoor): ProxyLookup {
  const { paths, install } = CANDIDATES[door];
  const binary = paths.find((p) => existsSync(p));
  if (binary === undefined) return { missing: `${door} not found in ${paths.join(', ')} (Debian/Ubuntu: ${install})` };
  if (door === 'apache') {
    const absent = APACHE_MODULES.map((m) => join(APACHE_MODULE_DIR, `${m}.so`)).filter((p) => !existsSync(p));
    if (absent.length > 0) return { missing: `Apache modules not found: ${absent.join(', ')}` };
  }
  return { binary };
}

/** What to put in front of what. */
export interface ProxySetup {
  readonly dir: string;
  readonly serverCertPem: string;
  readonly serverKeyPem: string;
  /** The client CAs, PEM, one certificate each. */
  readonly clientCaPems: readonly string[];
  readonly appPort: number;
}

/** A running front door. */
export interface RunningProxy {
  readonly url: string;
  /** TLS server name the client must send (Caddy's site address), and the matching Host header. */
  readonly servername: string | undefined;
  readonly host: string;
  /** The config file it runs with, for error messages and the docs. */
  readonly configPath: string;
  stop(): Promise<void>;
}


/** Writes the key material; Apache and Caddy read files, HAProxy wants certificate and key in one. */
function writeFiles(s: ProxySetup): ProxyFiles {
  mkdirSync(s.dir, { recursive: true, mode: 0o755 });
  const files: ProxyFiles = { dir: s.dir, cert: join(s.dir, 'server.pem'), key: join(s.dir, 'server.key'),
    certAndKey: join(s.dir, 'server-with-key.pem'), trust: join(s.dir, 'trust.pem'),
    cas: s.clientCaPems.map((_, i) => join(s.dir, `client-ca-${i}.pem`)) };
  writeFileSync(files.cert, s.serverCertPem);
  writeFileSync(files.key, s.serverKeyPem, { mode: 0o600 });
  writeFileSync(files.certAndKey, s.serverCertPem + s.serverKeyPem, { mode: 0o600 });
  writeFileSync(files.trust, s.clientCaPems.join(''));
  s.clientCaPems.forEach((pem, i) => writeFileSync(files.cas[i]!, pem));
  return files;
}

/** Config file name, config text and command line of each front door, all inside `files.dir`. */
function launchPlan(door: FrontDoor, files: ProxyFiles, port: number, appPort: number): { name: string; text: string; args: string[] } {
  if (door === 'haproxy') {
    // -db: foreground, no daemon; -f: only our config.
    return { name: 'haproxy.cfg', text: haproxyConfig(files, port, appPort), args: ['-db', '-f', join(files.dir, 'haproxy.cfg')] };
  }
  if (door === 'caddy') {
    const path = join(files.dir, 'Caddyfile');
    return { name: 'Caddyfile', text: caddyConfig(files, port, appPort), args: ['run', '--config', path, '--adapter', 'caddyfile'] };
  }
  const path = join(files.dir, 'httpd.conf');
  // -X would skip the children Apache really forwards from; -DFOREGROUND keeps the parent attached.
  return { name: 'httpd.conf', text: apacheConfig(files, port, appPort, APACHE_MODULE_DIR), args: ['-f', path, '-d', files.dir, '-DFOREGROUND'] };
}

/** Caddy reads and writes under HOME/XDG folders: point them into the temp dir, away from any system Caddy. */
function environment(dir: string): NodeJS.ProcessEnv {
  return { ...process.env, HOME: dir, XDG_CONFIG_HOME: join(dir, 'xdg-config'), XDG_DATA_HOME: join(dir, 'xdg-data') };
}

/** Writes the config and starts the front door in the foreground; resolves once it accepts connections (10 s at most). */
export async function startProxy(door: FrontDoor, lookup: { binary: string }, s: ProxySetup): Promise<RunningProxy> {
  const files = writeFiles(s);
  const port = await freePort();
  const plan = launchPlan(door, files, port, s.appPort);
  const configPath = join(s.dir, plan.name);
  writeFileSync(configPath, plan.text);
  let output = '';
  const child: ChildProcess = spawn(lookup.binary, plan.args, { cwd: s.dir, env: environment(s.dir), stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (c: Buffer) => { output += c; });
  child.stderr!.on('data', (c: Buffer) => { output += c; });
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  // A test run that dies before after() must not leave a proxy listening.
  const orphanGuard = (): void => { child.kill('SIGKILL'); };
  process.once('exit', orphanGuard);
  void exited.then(() => process.off('exit', orphanGuard));
  await waitUntilListening(door, child, port, () => output);
  const servername = door === 'caddy' ? 'localhost' : undefined;
  return { url: `https://127.0.0.1:${port}`, servername, host: `${servername ?? '127.0.0.1'}:${port}`, configPath,
    stop: () => stopChild(child, exited) };
}

async function waitUntilListening(door: FrontDoor, child: ChildProcess, port: number, output: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await portOpen(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${door} did not start: ${output() || `exit ${child.exitCode}`}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** SIGTERM (all three stop their workers on it), SIGKILL after 5 s. */
async function stopChild(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}
