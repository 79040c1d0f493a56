/**
 * The middleware's scan of `req.rawHeaders` remembers header-name spellings it has seen. These tests hold it
 * to the plain definition (lowercase every name, then look it up) for any sequence of requests, however the
 * names are spelt and however full the memo gets.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { DEFAULT_HEADER_NAMES } from '../../src/core/alb/headers.js';
import { MtlsError } from '../../src/core/errors.js';
import { createHeaderScanner } from '../../src/header-scan.js';

const PREFIX = 'x-amzn-mtls-';
const READ = ['x-amzn-mtls-clientcert-subject', 'x-amzn-mtls-clientcert-issuer', 'x-amzn-mtls-clientcert-serial-number',
  'x-amzn-mtls-clientcert-validity', 'x-amzn-mtls-clientcert-leaf'];
const OWNED = new Set(Object.values(DEFAULT_HEADER_NAMES));

type Outcome = { unread: boolean } | { duplicate: string };

/** The definition: every name lowercased and looked up, nothing remembered. */
function reference(names: readonly string[], checkDuplicates: boolean): Outcome {
  const seen = new Set<string>();
  let unread = false;
  for (const name of names) {
    const lower = name.toLowerCase();
    if (READ.includes(lower)) {
      if (checkDuplicates && seen.has(lower)) throw new Duplicate(lower);
      seen.add(lower);
    } else if (OWNED.has(lower) || lower.startsWith(PREFIX)) {
      unread = true;
    }
  }
  return { unread };
}

class Duplicate extends Error {
  constructor(readonly header: string) {
    super(header);
  }
}

function referenceOutcome(names: readonly string[], checkDuplicates: boolean): Outcome {
  try {
    return reference(names, checkDuplicates);
  } catch (error) {
    return { duplicate: (error as Duplicate).header };
  }
}

function run(scan: ReturnType<typeof createHeaderScanner>, names: readonly string[], checkDuplicates: boolean): Outcome {
  // Names as Node hands them over: new strings with every request, each followed by its value.
  const raw = names.flatMap((name, i) => [name.split('').join(''), `value ${i}`]);
  try {
    return { unread: scan(raw, checkDuplicates) };
  } catch (error) {
    assert.ok(error instanceof MtlsError && error.code === 'ERR_MTLS_DUPLICATE_HEADER', String(error));
    return { duplicate: error.header! };
  }
}

/** A header name spelt any way: ours, ours in other letter cases, owned by prefix, or another of the same length. */
const spelling: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...READ, ...OWNED, 'x-amzn-mtls-foo', 'host', 'x-forwarded-for', 'x_amzn-mtls-clientcert-leaf',
    `X-Amzn-Mtls-${'a'.repeat(60)}`, `x-${'b'.repeat(70)}`),
  fc.tuple(fc.constantFrom(...READ, DEFAULT_HEADER_NAMES.chain), fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }))
    .map(([name, upper]) => [...name].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join('')),
  fc.constantFrom(...READ).chain((name) => fc.stringMatching(new RegExp(`^x[a-z-]{${name.length - 1}}$`))),
);

describe('header scan', () => {
  test('agrees with lowercasing every name, over any sequence of requests (property)', () => {
    fc.assert(fc.property(
      fc.array(fc.tuple(fc.array(spelling, { maxLength: 12 }), fc.boolean()), { minLength: 1, maxLength: 30 }),
      (requests) => {
        const scan = createHeaderScanner(READ, OWNED, PREFIX);
        for (const [names, checkDuplicates] of requests) assert.deepEqual(run(scan, names, checkDuplicates), referenceOutcome(names, checkDuplicates));
      },
    ), { numRuns: 300 });
  });

  test('a read header sent twice in two letter cases is a duplicate, named in lowercase', () => {
    const scan = createHeaderScanner(READ, OWNED, PREFIX);
    const names = ['Host', 'X-Amzn-Mtls-Clientcert-Leaf', 'x-amzn-mtls-clientcert-leaf'];
    assert.deepEqual(run(scan, names, true), { duplicate: 'x-amzn-mtls-clientcert-leaf' });
    assert.equal(unread(run(scan, names, false)), false, 'skipped requests are not checked');
  });

  test('once the memo is full, new spellings are still read right', () => {
    const scan = createHeaderScanner(READ, OWNED, PREFIX);
    const leaf = 'x-amzn-mtls-clientcert-leaf';
    // Same length as the leaf header's name, all different: they fill its length's memo.
    const others = Array.from({ length: 10 }, (_, i) => `x-other-header-name-${String(i).padStart(7, "0")}`);
    assert.ok(others.every((name) => name.length === leaf.length));
    assert.deepEqual(run(scan, others, true), { unread: false });
    assert.deepEqual(run(scan, [leaf.toUpperCase(), leaf], true), { duplicate: leaf });
    assert.equal(unread(run(scan, ['X-Amzn-Mtls-Clientcert-LEAF', 'X-Amzn-Mtls-Clientcert'], true)), true);
  });

  test('a full memo gives its oldest spelling up: names sent first cannot keep the others out', () => {
    let lookups = 0;
    class CountingSet extends Set<string> {
      override has(name: string): boolean {
        lookups++;
        return super.has(name);
      }
    }
    const chain = DEFAULT_HEADER_NAMES.chain;
    const scan = createHeaderScanner(READ, new CountingSet(OWNED), PREFIX);
    const junk = Array.from({ length: 4 }, (_, i) => `x-junk-header-name-00${i}`);
    assert.ok(junk.every((name) => name.length === chain.length));
    assert.deepEqual(run(scan, junk, true), { unread: false });
    lookups = 0;
    for (let i = 0; i < 3; i++) assert.deepEqual(run(scan, ['X-Amzn-Mtls-Clientcert'], true), { unread: true });
    assert.equal(lookups, 1, 'classified once, then remembered');
  });

  test('names the configuration renamed: the default ones are owned but unread', () => {
    const renamed = ['x-client-subject', 'x-client-issuer', 'x-client-serial', 'x-client-validity', 'x-client-leaf'];
    const scan = createHeaderScanner(renamed, new Set([...renamed, ...OWNED]), PREFIX);
    assert.deepEqual(run(scan, ['X-Client-Leaf', 'x-client-subject'], true), { unread: false });
    assert.deepEqual(run(scan, ['X-Client-Leaf', 'X-Amzn-Mtls-Clientcert-Leaf'], true), { unread: true });
    assert.deepEqual(run(scan, ['x-client-leaf', 'X-CLIENT-LEAF'], true), { duplicate: 'x-client-leaf' });
  });
});

function unread(outcome: Outcome): boolean | undefined {
  return 'unread' in outcome ? outcome.unread : undefined;
}
