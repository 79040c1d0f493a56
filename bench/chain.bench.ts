/**
 * Cold and warm passthrough verification of a 3-certificate chain (leaf + intermediate in the header, root
 * in the trust store), RSA-2048 and ECDSA P-256, with tinybench.
 *   cold, header  = createPassthroughVerifier({ cache: false }).verify(): URL-decode, PEM, DER parse,
 *                   path building, RFC 5280 validation, 2 signature checks, ClientCertificate
 *   first ever    = the same with the KeyObject cache emptied first (imports the intermediate's key too)
 *   cold, core    = verifyChain() on already parsed certificates (path building + validation only)
 *   warm          = the same verifier with its cache: SHA-256 of the header, LRU hit, leaf validity check
 * Reported: tinybench wall-clock mean and p99, and CPU time per call (process.cpuUsage over a fixed loop),
 * which stays meaningful on a loaded machine where wall-clock includes time spent descheduled.
 * Run: node --import tsx bench/chain.bench.ts
 * @module
 */
import { Bench } from 'tinybench';
import { verifyChain } from '../src/core/path/chain.js';
import { createPassthroughVerifier } from '../src/core/alb/passthrough.js';
import { clearPublicKeyCache } from '../src/core/der/public-key.js';
import { loadTrustStore } from '../src/core/path/trust-store.js';
import { parseCertificateStructure } from '../src/core/der/x509.js';
import { cn, makeCert, newKey, pem } from '../test/helpers/pki/cert-builder.js';

const H = 'x-amzn-mtls-clientcert';
const NOW = Date.parse('2030-06-01T00:00:00Z');

function pkiOf(kind: 'rsa' | 'P-256') {
  const root = makeCert({ subject: cn('Bench Root'), key: newKey(kind), ca: true });
  const ica = makeCert({ subject: cn('Bench Intermediate'), key: newKey(kind), issuer: root, ca: true });
  const leaf = makeCert({ subject: cn('bench client'), key: newKey(kind), issuer: ica });
  const header = encodeURIComponent(pem(leaf.der) + pem(ica.der)).replace(/%2B/g, '+').replace(/%2F/g, '/');
  return { root, ica, leaf, header };
}

/** CPU µs per call of `fn`, over `n` calls after a warm-up. */
function cpuMicros(fn: () => unknown, n = 300): number {
  for (let i = 0; i < 30; i++) fn();
  const start = process.cpuUsage();
  for (let i = 0; i < n; i++) fn();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / n;
}

const rows: Array<Record<string, string>> = [];
for (const [label, kind] of [['RSA-2048', 'rsa'], ['ECDSA P-256', 'P-256']] as const) {
  const { root, ica, leaf, header } = pkiOf(kind);
  const trustStore = loadTrustStore(pem(root.der));
  const cold = createPassthroughVerifier({ trustStore, cache: false });
  const warm = createPassthroughVerifier({ trustStore });
  const parsedLeaf = parseCertificateStructure(leaf.der);
  const parsedIca = parseCertificateStructure(ica.der);
  if (cold.verify(header, H, NOW).verifiedBy !== 'local') throw new Error('the benchmark chain does not verify');
  let sink: unknown;
  const tasks: Array<[string, () => void]> = [
    ['cold, header -> ClientCertificate', () => { sink = cold.verify(header, H, NOW); }],
    ['first ever (key cache emptied)', () => { clearPublicKeyCache(); sink = cold.verify(header, H, NOW); }],
    ['cold, verifyChain on parsed certificates', () => { sink = verifyChain(parsedLeaf, [parsedIca], trustStore, { now: NOW }); }],
    ['warm (cached verdict)', () => { sink = warm.verify(header, H, NOW); }],
  ];
  const bench = new Bench({ name: label, time: 1500, warmup: true });
  for (const [name, fn] of tasks) bench.add(name, fn);
  await bench.run();
  for (const [i, task] of bench.tasks.entries()) {
    const result = task.result;
    if (!('period' in result)) throw new Error(`${task.name}: ${result.state}`);
    rows.push({
      chain: label, task: task.name, 'CPU µs': cpuMicros(tasks[i]![1]).toFixed(1), 'mean µs': (result.period * 1000).toFixed(1),
      'p99 µs': (result.latency.p99 * 1000).toFixed(1), 'ops/s': Math.round(1000 / result.period).toLocaleString('en-US'),
    });
  }
  void sink;
}
console.table(rows);
