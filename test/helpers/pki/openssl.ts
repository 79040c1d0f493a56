/** Test helpers around the openssl CLI: the reference implementation our parsers are compared with. */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';

let available: boolean | undefined;

/** `true` when the openssl CLI runs here. */
export function hasOpenssl(): boolean {
  available ??= spawnSync('openssl', ['version'], { stdio: 'ignore' }).status === 0;
  return available;
}

/**
 * `skip` option for node:test: a reason string when openssl is missing (CI must have it: it fails there).
 */
export function skipWithoutOpenssl(): string | false {
  if (hasOpenssl()) return false;
  if (process.env.CI) throw new Error('openssl is required in CI but was not found');
  return 'openssl CLI not found: install OpenSSL to run these tests';
}

/** Runs openssl with `args`; returns stdout. Throws with stderr on a non-zero exit. */
export function openssl(args: string[], options: { cwd?: string; input?: string | Buffer } = {}): string {
  return execFileSync('openssl', args, {
    cwd: options.cwd,
    input: options.input,
    encoding: 'utf8',
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

/** Runs openssl and reports exit status, stdout and stderr without throwing. */
export function opensslStatus(args: string[], cwd?: string): { status: number; stdout: string; stderr: string } {
  const r = spawnSync('openssl', args, { cwd, encoding: 'utf8' });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** A temporary folder removed when the test file finishes. */
export function tempDir(prefix = 'alb-mtls-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
