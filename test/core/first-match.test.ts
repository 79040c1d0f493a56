/**
 * `routeByCert`'s rule table remembers the pure rules' answer per certificate object. These tests hold it to
 * the plain definition, "the first rule in order whose test accepts", for any mix of pure rules and rules
 * with predicates, any certificate and any sequence of requests; and show what is asked again and what not.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { firstMatchFinder, type CompiledRule } from '../../src/core/match/first-match.js';
import { anyOf, compileRule, not, type CertMatcher } from '../../src/core/match/match.js';
import type { AnyClientCertificate } from '../../src/core/types.js';
import { fakeCert } from '../helpers/pki/fake-cert.js';

interface Req {
  readonly flag: number;
}

const NAMES = ['a', 'b', 'c'];
const UNITS = ['ops', 'dev'];

/** A matcher of the small universe: pure (strings, RegExps, combinators) or with a predicate on the request. */
const matcherArb: fc.Arbitrary<CertMatcher<Req>> = fc.letrec<{ m: CertMatcher<Req> }>((tie) => ({
  m: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom(...NAMES).map((cn) => ({ cn })),
    fc.constantFrom(...UNITS).map((ou) => ({ ou: [ou, /^x-\d$/] })),
    fc.constantFrom(...NAMES).map((cn) => ({ subject: { CN: cn }, issuer: { O: /^example\.org$/ } })),
    fc.integer({ min: 0, max: 3 }).map((flag) => ({ custom: (_cert: AnyClientCertificate, req: Req) => req.flag === flag })),
    fc.constantFrom(...NAMES).map((cn) => ({ cn: (value: string) => value === cn })),
    tie('m').map((m) => not(m)),
    fc.tuple(tie('m'), tie('m')).map(([x, y]) => anyOf(x, y)),
  ),
})).m;

function compile(matchers: readonly CertMatcher<Req>[]): CompiledRule<Req>[] {
  return matchers.map((m, i) => compileRule(m, `rules[${i}]`));
}

/** The definition: every rule asked, in order. */
const reference = (rules: readonly CompiledRule<Req>[], cert: AnyClientCertificate, req: Req): number =>
  rules.findIndex((rule) => rule.test(cert, req));

describe('firstMatchFinder', () => {
  test('gives the first matching rule in order, for any rules, certificates and requests', () => {
    const certs = NAMES.flatMap((cn) => UNITS.map((ou) => fakeCert({ subject: `CN=${cn},OU=${ou},O=example.org` })));
    fc.assert(fc.property(
      fc.array(matcherArb, { minLength: 1, maxLength: 8 }),
      fc.array(fc.tuple(fc.nat(certs.length - 1), fc.integer({ min: 0, max: 3 })), { minLength: 1, maxLength: 30 }),
      (matchers, requests) => {
        const rules = compile(matchers);
        const find = firstMatchFinder(rules);
        for (const [which, flag] of requests) {
          const cert = certs[which]!;
          assert.equal(find(cert, { flag }), reference(rules, cert, { flag }));
        }
      },
    ), { seed: 5_280, numRuns: 400 });
  });

  test('tells pure rules from rules with a predicate', () => {
    const pure = [{ cn: 'a' }, { ou: [/^o$/, 'p'] }, not(anyOf({ cn: 'a' }, { issuer: { CN: 'x' } })), { san: { dns: 'x.example' } }];
    const impure = [{ custom: () => true }, { cn: ['a', (v: string) => v === 'b'] }, not({ subject: { OU: () => true } })];
    for (const m of pure) assert.equal(compileRule(m, 'm').pure, true);
    for (const m of impure) assert.equal(compileRule(m as CertMatcher, 'm').pure, false);
  });

  test('asks the pure rules once per certificate object, the rules with a predicate on every request', () => {
    let reads = 0;
    const cert = fakeCert({ subject: 'CN=c,OU=ops,O=example.org' });
    const counted = new Proxy(cert, { get: (target, key) => { reads++; return Reflect.get(target, key); } });
    let asked = 0;
    const rules = compile([{ cn: 'a' }, { custom: () => { asked++; return false; } }, { ou: 'dev' }, { cn: 'c' }]);
    const find = firstMatchFinder(rules);
    assert.equal(find(counted, { flag: 0 }), 3);
    const readsAfterFirst = reads;
    assert.ok(readsAfterFirst > 0);
    for (let i = 0; i < 5; i++) assert.equal(find(counted, { flag: 0 }), 3);
    assert.equal(reads, readsAfterFirst, 'the pure rules were asked again');
    assert.equal(asked, 6, 'the predicate before the match must be asked on every request');
  });

  test('does not ask a predicate that comes after the first match', () => {
    let asked = 0;
    const find = firstMatchFinder(compile([{ cn: 'c' }, { custom: () => { asked++; return true; } }]));
    const cert = fakeCert({ subject: 'CN=c' });
    for (let i = 0; i < 3; i++) assert.equal(find(cert, { flag: 0 }), 0);
    assert.equal(asked, 0);
  });

  test('a pure rule that throws surfaces where it would have, and is not remembered', () => {
    const broken = new Proxy(fakeCert({ subject: 'CN=c' }), {
      get: (target, key) => {
        if (key === 'subjectAltNames') throw new Error('malformed leaf');
        return Reflect.get(target, key);
      },
    });
    const rules = compile([{ custom: (_c: AnyClientCertificate, req: Req) => req.flag === 1 }, { san: { dns: 'x' } }, { cn: 'c' }]);
    const find = firstMatchFinder(rules);
    for (let i = 0; i < 2; i++) {
      assert.throws(() => find(broken, { flag: 0 }), /malformed leaf/);
      assert.equal(find(broken, { flag: 1 }), 0, 'the predicate before the throwing rule still wins');
    }
  });
});
