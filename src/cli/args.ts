/**
 * Command-line parsing of `express-alb-mtls proxy` with `node:util` `parseArgs`. Every problem becomes a
 * {@link UsageError}: one line, exit status 2.
 * @module
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { createSecureContext } from 'node:tls';
import { parseArgs } from 'node:util';
import type { HeaderRole } from '../core/alb/headers.js';
import { readCertificates } from '../testing/alb-headers.js';
import type { AlbEmulatorOptions } from '../testing/emulator/options.js';
import { HEADER_NAME } from '../core/options/readers.js';
import { didYouMean } from '../core/options/suggest.js';

/** A mistake on the command line. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Parsed `proxy` arguments. */
export interface ProxyArgs {
  readonly help: boolean;
  readonly quiet: boolean;
  readonly options: AlbEmulatorOptions;
  /** Files named on the command line, for the start-up banner. */
  readonly trustStorePath: string | undefined;
}

const OPTIONS = {
  target: { type: 'string' }, mode: { type: 'string' }, 'trust-store': { type: 'string' },
  'ignore-client-certificate-expiry': { type: 'boolean' }, cert: { type: 'string' }, key: { type: 'string' },
  port: { type: 'string' }, host: { type: 'string' }, 'source-address': { type: 'string' },
  'header-name': { type: 'string', multiple: true }, 'idle-timeout': { type: 'string' }, quiet: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const ROLES: Record<string, HeaderRole> = {
  subject: 'subject', issuer: 'issuer', 'serial-number': 'serialNumber', serialNumber: 'serialNumber',
  validity: 'validity', leaf: 'leaf', chain: 'chain',
};

function readFile(flag: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new UsageError(`${flag} ${path}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

function integer(flag: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max) throw new UsageError(`${flag} ${text}: expected a whole number from ${min} to ${max}`);
  return n;
}

function headerNames(items: readonly string[] | undefined): Partial<Record<HeaderRole, string>> | undefined {
  if (items === undefined) return undefined;
  const out: Partial<Record<HeaderRole, string>> = {};
  for (const item of items) {
    const [role, name] = item.split('=', 2);
    const key = ROLES[role ?? ''];
    if (key === undefined || !name || !HEADER_NAME.test(name)) {
      throw new UsageError(`--header-name ${item}: expected <role>=<header name>, role one of ${Object.keys(ROLES).join(', ')}`);
    }
    out[key] = name;
  }
  return out;
}

function parse(argv: readonly string[]) {
  try {
    const { values, positionals } = parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: true });
    if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
    return values;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    // parseArgs' messages run to several sentences; keep the first, which names the flag.
    const first = String((error as Error).message).split(/\. /)[0]!.replace(/\.$/, '');
    const unknown = /^Unknown option '(-[^']+)'/.exec(first)?.[1];
    const hint = unknown === undefined ? '' : didYouMean(unknown, Object.keys(OPTIONS).map((name) => `--${name}`));
    throw new UsageError(`${first}${hint ? `.${hint}` : ''} (see --help)`);
  }
}

function trustStore(path: string): Buffer {
  const bytes = readFile('--trust-store', path);
  try {
    readCertificates(bytes, path);
  } catch {
    throw new UsageError(`--trust-store ${path}: not a PEM (or DER) file of CA certificates`);
  }
  return bytes;
}

function serverCertificate(certPath: string, keyPath: string): { cert: Buffer; key: Buffer } {
  const cert = readFile('--cert', certPath);
  const key = readFile('--key', keyPath);
  try {
    createSecureContext({ cert, key }); // the listener would fail the same way, later and less clearly
  } catch (error) {
    throw new UsageError(`--cert ${certPath} --key ${keyPath}: not a matching PEM certificate and key (${(error as Error).message})`);
  }
  return { cert, key };
}

/** Parses `proxy` arguments and reads the files they name. @throws UsageError */
export function parseProxyArgs(argv: readonly string[]): ProxyArgs {
  const v = parse(argv);
  const none = { help: true, quiet: false, options: { target: '' }, trustStorePath: undefined };
  if (v.help) return none;
  if (v.target === undefined) throw new UsageError('--target <url> is required (e.g. --target http://127.0.0.1:3000)');
  if (!/^http:\/\/[^/]/.test(v.target) || !URL.canParse(v.target)) throw new UsageError(`--target ${v.target}: expected an http:// URL`);
  const mode = v.mode ?? 'verify';
  if (mode !== 'verify' && mode !== 'passthrough') throw new UsageError(`--mode ${mode}: expected verify or passthrough`);
  if (mode === 'verify' && v['trust-store'] === undefined) throw new UsageError('--trust-store <file> is required in verify mode');
  if (mode === 'passthrough' && v['trust-store'] !== undefined) throw new UsageError('--trust-store applies to verify mode only: passthrough verifies nothing');
  if (mode === 'passthrough' && v['ignore-client-certificate-expiry']) throw new UsageError('--ignore-client-certificate-expiry applies to verify mode only');
  if ((v.cert === undefined) !== (v.key === undefined)) throw new UsageError('--cert and --key go together: give both or neither');
  if (v['source-address'] !== undefined && isIP(v['source-address']) === 0) throw new UsageError(`--source-address ${v['source-address']}: expected an IP address`);
  const options: AlbEmulatorOptions = {
    target: v.target, mode,
    ...(v['trust-store'] !== undefined ? { trustStore: trustStore(v['trust-store']) } : {}),
    ignoreClientCertificateExpiry: v['ignore-client-certificate-expiry'] === true,
    ...(v.cert !== undefined && v.key !== undefined ? serverCertificate(v.cert, v.key) : {}),
    port: v.port === undefined ? 8443 : integer('--port', v.port, 0, 65535),
    host: v.host ?? '127.0.0.1',
    ...(v['source-address'] !== undefined ? { sourceAddress: v['source-address'] } : {}),
    headerNames: headerNames(v['header-name']),
    idleTimeout: v['idle-timeout'] === undefined ? 60 : integer('--idle-timeout', v['idle-timeout'], 1, 4000),
  };
  return { help: false, quiet: v.quiet === true, options, trustStorePath: v['trust-store'] };
}
