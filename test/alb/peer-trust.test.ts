/**
 * Whether the TCP peer is a trusted proxy is each `albMtls()`'s own decision, made for every request: two
 * apps sharing a keep-alive connection decide apart, and a connection without an address yet is not
 * judged for good.
 */
import assert from 'node:assert/strict';
import { Agent, createServer, get, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import type { Request, Response } from 'express';
import { albMtls } from '../../src/middleware.js';
import type { MtlsEvent } from '../../src/core/alb/options.js';
import { EXPRESS_VERSIONS } from '../helpers/servers/apps.js';
import { certFixtures } from '../helpers/pki/cert-fixtures.js';
import { skipWithoutOpenssl } from '../helpers/pki/openssl.js';

function getText(port: number, path: string, headers: Record<string, string>, agent: Agent): Promise<string> {
  return new Promise((resolve, reject) => {
    get({ port, host: '127.0.0.1', path, headers, agent }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk)).on('end', () => resolve(text));
    }).on('error', reject);
  });
}

/** A request as Node would hand it over, from a header object, on `socket`. */
function fakeRequest(headers: Record<string, string>, socket: { remoteAddress?: string }): Request {
  const lower = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
  return { headers: lower, rawHeaders: Object.entries(headers).flat(), socket } as unknown as Request;
}

for (const { name, create } of EXPRESS_VERSIONS) {
  describe(`peer trust (${name})`, { skip: skipWithoutOpenssl() }, () => {
    test('two albMtls() with different trustedProxies on one keep-alive connection each decide for themselves', async () => {
      const certs = certFixtures();
      const events: string[] = [];
      const onEvent = (event: MtlsEvent): void => void events.push(`${event.type}:${'peer' in event ? event.peer : ''}`);
      const loopback = create();
      loopback.use(albMtls({ onEvent }), (req, res) => res.send(req.clientCert?.commonName ?? 'none'));
      const elsewhere = create();
      elsewhere.use(albMtls({ trustedProxies: '10.0.0.0/8', onEvent }), (req, res) => res.send(req.clientCert?.commonName ?? 'none'));
      const sockets = new Set<unknown>();
      const server = createServer((req: IncomingMessage, res) => {
        sockets.add(req.socket);
        (req.url === '/elsewhere' ? elsewhere : loopback)(req as Request, res as Response);
      });
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      try {
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        const port = (server.address() as AddressInfo).port;
        const answers = [];
        for (const path of ['/loopback', '/elsewhere', '/loopback', '/elsewhere']) answers.push(await getText(port, path, certs.clientA, agent));
        assert.deepEqual(answers, ['clientA', 'none', 'clientA', 'none']);
        assert.equal(sockets.size, 1, 'one connection');
        assert.deepEqual(events, ['accepted:', 'stripped:127.0.0.1', 'accepted:', 'stripped:127.0.0.1']);
      } finally {
        agent.destroy();
        server.close();
      }
    });
  });
}

describe('peer trust without an address', { skip: skipWithoutOpenssl() }, () => {
  test('a connection with no address yet is refused trust, and judged again once it has one', () => {
    const certs = certFixtures();
    const middleware = albMtls();
    const socket: { remoteAddress?: string } = {};
    const read = (): unknown => {
      const req = fakeRequest(certs.clientA, socket);
      let error: unknown;
      middleware(req, {} as Response, (e?: unknown) => (error = e));
      assert.equal(error, undefined);
      return req.clientCert?.commonName;
    };
    assert.equal(read(), undefined, 'no address: headers stripped');
    socket.remoteAddress = '127.0.0.1';
    assert.equal(read(), 'clientA', 'loopback: trusted');
  });
});
