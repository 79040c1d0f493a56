/**
 * Memory: RSS and heap while 10,000 distinct certificates go through the verify-mode cache, with
 * `cache.max` 1000 (the default) and 100, and without a cache. Bounded means the heap stops growing once
 * `cache.max` entries are held. Run with `--expose-gc`:
 *   node --expose-gc --import tsx bench/memory.ts
 *
 * 10,000 certificates would take ~25 s to sign, so the pool's 2,000 real certificates are multiplied by
 * rewriting the last two bytes of their serial number (and the serial header with them): distinct leaves,
 * same sizes, consistent headers. Their signatures no longer verify, which verify mode never checks (ALB
 * did); the memory per entry is that of a real certificate.
 * @module
 */
import { decodeAlbHeaders, type DecodeAlbHeadersOptions } from '../src/core/alb/alb.js';
import { decodeLeafPem } from '../src/core/cert/certificate.js';
import { albHeaders } from '../src/testing/index.js';
import { readFixtures } from './fixtures.js';
import { formatInt, markdownTable } from './stats.js';

const TOTAL = 10_000;
const CHECKPOINT = 1000;
const MB = 2 ** 20;

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with node --expose-gc');

const bases = readFixtures().pool.map((pem) => decodeLeafPem(pem, 'pool'));

/** Certificate `i`: a pool certificate as is, or with its serial's last two bytes replaced by `i`. */
function variant(i: number): Record<string, string> {
  const base = bases[i % bases.length]!;
  if (i < bases.length) return albHeaders(base.pem);
  const der = Buffer.from(base.der);
  const serial = Buffer.from(albHeaders(base.pem)['x-amzn-mtls-clientcert-serial-number']!, 'hex');
  const at = der.indexOf(serial); // first occurrence: the TBSCertificate's serialNumber
  der.writeUInt16BE(Math.floor(i / bases.length), at + serial.length - 2);
  return albHeaders(der);
}

function settle(): NodeJS.MemoryUsage {
  gc!();
  gc!();
  return process.memoryUsage();
}

/** Feeds TOTAL certificates through one decoder, reading the lazily parsed fields so cached entries are full. */
function run(options: DecodeAlbHeadersOptions): number[][] {
  const rows: number[][] = [];
  const start = settle();
  rows.push([0, start.heapUsed, start.rss]);
  for (let i = 1; i <= TOTAL; i++) {
    const cert = decodeAlbHeaders(variant(i - 1), options);
    if (cert === undefined) throw new Error('no certificate decoded');
    void [cert.commonName, cert.fingerprint256, cert.subjectAltNames, cert.pem];
    if (i % CHECKPOINT === 0) {
      const m = settle();
      rows.push([i, m.heapUsed, m.rss]);
    }
  }
  return rows;
}

const out: string[] = [`Node ${process.version}; heap after two full GCs at each checkpoint. Retained = heap minus the heap before the first certificate.`, ''];
// Options objects are created per run: the compiled decoder (and its cache) lives as long as its options.
const configs: Array<readonly [string, () => DecodeAlbHeadersOptions]> = [['cache.max 1000 (default)', () => ({})]];
if (!process.argv.includes('--quick')) configs.push(['cache.max 100', () => ({ cache: { max: 100 } })], ['cache: false', () => ({ cache: false })]);
for (const [label, options] of configs) {
  const rows = run(options());
  const base = rows[0]![1]!;
  const perEntry = label.startsWith('cache.max') ? (rows.at(-1)![1]! - base) / Number(label.match(/\d+/)![0]) : Number.NaN;
  out.push(`**${label}**${Number.isFinite(perEntry) ? `: about ${formatInt(perEntry)} bytes retained per cached certificate` : ''}`, '');
  out.push(markdownTable(['certificates decoded', 'heap used (MB)', 'retained (MB)', 'RSS (MB)'], rows
    .filter(([n]) => n! % 2000 === 0 || n === 1000)
    .map(([n, heap, rss]) => [formatInt(n!), (heap! / MB).toFixed(1), ((heap! - base) / MB).toFixed(2), (rss! / MB).toFixed(1)])), '');
}
console.log(out.join('\n'));
