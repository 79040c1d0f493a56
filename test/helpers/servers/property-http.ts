/** Values and servers for the hostile-header properties of test/core/property.test.ts. */
import { Agent, createServer, request, type OutgoingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { albMtls } from '../../../src/index.js';
import { appWith, EXPRESS_VERSIONS } from './apps.js';

const char = (min: number, max: number): fc.Arbitrary<string> => fc.integer({ min, max }).map((c) => String.fromCharCode(c));

/** Anything a Lambda event or a buggy proxy could hand over: any Unicode (lone surrogates too), any bytes as latin1. */
export const hostileValue: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 64 }),
  fc.string({ unit: char(0, 0xffff), maxLength: 64 }),
  fc.uint8Array({ maxLength: 256 }).map((b) => Buffer.from(b).toString('latin1')),
  fc.string({ unit: fc.constantFrom('%', '\\', ',', '+', '=', '#', '-----BEGIN CERTIFICATE-----', '%0A', 'CN=', '\\C3', 'Z;'), maxLength: 40 }),
  fc.string({ maxLength: 20 }).map((s) => s.repeat(1000)),
);

/** What Node's HTTP client will send in a header value: tab, visible ASCII, space and obs-text (0x80-0xFF). */
export const sendableValue: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: fc.oneof(char(0x20, 0x7e), char(0x80, 0xff), fc.constant('\t')), maxLength: 80 }),
  fc.string({ unit: fc.constantFrom('%', '\\', ',', '+', '=', '#', '%0A', 'CN=', '\\C3', '\u00c3', '\u0084', 'Z;', ' '), maxLength: 40 }),
);

/** A header set in one of the shapes `decodeAlbHeaders` accepts. */
export function headerBag(headers: Record<string, string>, shape: 'node' | 'lambda-multi' | 'title-case'):
  Record<string, string | string[]> {
  const entries = Object.entries(headers);
  if (shape === 'lambda-multi') return Object.fromEntries(entries.map(([k, v]) => [k, [v]]));
  if (shape === 'title-case') return Object.fromEntries(entries.map(([k, v]) => [k.replace(/(^|-)([a-z])/g, (m) => m.toUpperCase()), v]));
  return headers;
}

/** One running app: Express major x listener mode. */
export interface AppTarget {
  readonly name: string;
  readonly mode: 'verify' | 'passthrough';
  request(headers: Record<string, string | string[]>): Promise<{ status: number; body: string }>;
}

function send(port: number, agent: Agent, headers: OutgoingHttpHeaders): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', agent, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk)).on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject).end();
  });
}

/** Running apps and how to stop them. */
export interface Apps {
  readonly targets: AppTarget[];
  close(): void;
}

/** Starts an app per Express major and mode on loopback (a trusted peer by default). */
export async function startApps(trustStore: string): Promise<Apps> {
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  const servers: Server[] = [];
  const targets: AppTarget[] = [];
  for (const { name, create } of EXPRESS_VERSIONS) {
    for (const mode of ['verify', 'passthrough'] as const) {
      const middleware = mode === 'verify' ? albMtls() : albMtls({ mode, trustStore });
      const server = createServer(appWith(create, middleware));
      servers.push(server);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as AddressInfo;
      targets.push({ name: `${name}, ${mode}`, mode, request: (headers) => send(port, agent, headers) });
    }
  }
  return { targets, close: () => {
    agent.destroy();
    servers.forEach((s) => s.close());
  } };
}
