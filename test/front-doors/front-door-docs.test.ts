/**
 * The proxy configurations in docs/front-doors/ are the ones the end-to-end tests run: every line between
 * the `# --- mtls ---` markers of the test configurations (proxy-configs.ts, nginx.ts) appears in its page.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { config as nginxConfig } from '../helpers/servers/nginx.js';
import { apacheConfig, caddyConfig, haproxyConfig, type ProxyFiles } from '../helpers/servers/proxy-configs.js';

const files: ProxyFiles = { dir: '/d', cert: 'server.pem', key: 'server.key', certAndKey: 'both.pem', trust: 'ca.pem', cas: ['ca.pem'] };
const marked = (config: string): string[] => {
  const [, inside] = config.split('# --- mtls ---');
  return inside!.split('\n').map((line) => line.trim()).filter(Boolean)
    .map((line) => line.replace(/127\.0\.0\.1:\d+/, '127.0.0.1:3000'));
};

for (const [name, config, page] of [
  ['HAProxy', haproxyConfig(files, 1, 3000), 'rfc9440.md'],
  ['Caddy', caddyConfig(files, 1, 3000), 'rfc9440.md'],
  ['Apache httpd', apacheConfig(files, 1, 3000, '/m'), 'nginx.md'],
  ['nginx', nginxConfig({ jsModule: '/m' }, { dir: '/d', serverCertPem: '', serverKeyPem: '', trustStorePem: '', appPort: 3000 }, 1), 'nginx.md'],
] as const) {
  test(`${name}: the documented configuration is the tested one`, () => {
    const doc = readFileSync(new URL(`../../docs/front-doors/${page}`, import.meta.url), 'utf8');
    const lines = marked(config);
    assert.ok(lines.length >= 3);
    for (const line of lines) assert.ok(doc.includes(line), `${page} lacks: ${line}`);
  });
}
