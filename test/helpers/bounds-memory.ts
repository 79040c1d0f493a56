/** Helpers for the memory checks of test/core/bounds.test.ts. */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { albHeaders } from '../../src/testing/index.js';
import type { BoundsPki } from './bounds-cases.js';
import { buildCert, clientExtensions, newKey } from './pki/der-builder.js';

const LEAF = 'x-amzn-mtls-clientcert-leaf';

/**
 * The headers of `count` distinct certificates (same subject and key, serial numbers 0x10000 upwards): each
 * is a new cache entry.
 */
export function distinctCertificates(pki: BoundsPki, count: number): Array<Record<string, string>> {
  const key = newKey();
  const extensions = clientExtensions(key, pki.key, []);
  return Array.from({ length: count }, (_, n) =>
    albHeaders(buildCert({ subject: 'CN=bounds', issuer: pki.name, key, signer: pki.key, extensions, serial: 0x10000 + n })));
}

/**
 * `count` header sets for one certificate that differ only in how the leaf is percent-encoded (`A` or
 * `%41`): what a client varying its encoding would send.
 */
export function distinctEncodings(good: Readonly<Record<string, string>>, count: number): Array<Record<string, string>> {
  const leaf = good[LEAF]!;
  // Letters and digits inside the base64 body, away from existing %XX escapes.
  const positions: number[] = [];
  for (let i = 40; i < leaf.length && positions.length < Math.ceil(Math.log2(count)) + 1; i += 7) {
    if (/[A-Za-z0-9]/.test(leaf[i]!) && !leaf.slice(i - 2, i + 1).includes('%')) positions.push(i);
  }
  return Array.from({ length: count }, (_, n) => {
    let value = '';
    for (let i = 0; i < leaf.length; i++) {
      const bit = positions.indexOf(i);
      value += bit >= 0 && (n >> bit) & 1 ? `%${leaf.charCodeAt(i).toString(16).toUpperCase()}` : leaf[i]!;
    }
    return { ...good, [LEAF]: value };
  });
}

let gc: (() => void) | undefined;

function collect(): void {
  if (gc === undefined) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
  gc();
}

/** Bytes the heap grew by while what `run` returns is still alive. */
export function heapGrowth(run: () => unknown): number {
  collect();
  const before = process.memoryUsage().heapUsed;
  const kept = run();
  collect();
  const growth = process.memoryUsage().heapUsed - before;
  void kept;
  return growth;
}
