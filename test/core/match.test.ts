import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MtlsConfigError } from '../../src/core/errors.js';
import { allOf, anyOf, compileMatcher, matchCert, not, regExpProblem, type CertMatcher } from '../../src/core/match/match.js';
import { fakeCert, type FakeCertFields } from '../helpers/pki/fake-cert.js';

const FULLWIDTH_C = '\uFF43'; // "ｃ", looks like "c"
const KELVIN = '\u212A'; // "K", String#toLowerCase turns it into an ASCII "k"
// The Estonian ID-card subject captured from a real ALB: escaped commas and \XX UTF-8 bytes in the CN.
const ESTONIAN = 'serialNumber=PNOEE-47101010033,GN=MARILIIS,SN=M\\C3\\84NNIK,CN=M\\C3\\84NNIK\\,MARILIIS\\,47101010033,C=EE';
const FP = 'AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89';

type Row = readonly [name: string, cert: FakeCertFields, matcher: CertMatcher<unknown>, expected: boolean];

const rows: Row[] = [
  // cn: exact, case-sensitive, no normalisation, one CN only
  ['cn exact', {}, { cn: 'clientA' }, true],
  ['cn differs in case', {}, { cn: 'clienta' }, false],
  ['cn is a prefix of the real CN', { subject: 'CN=clientAdmin' }, { cn: 'clientA' }, false],
  ['cn Unicode look-alike in the cert', { subject: `CN=${FULLWIDTH_C}lientA` }, { cn: 'clientA' }, false],
  ['cn Unicode look-alike in the matcher', {}, { cn: `${FULLWIDTH_C}lientA` }, false],
  ['cn with escaped commas, whole value', { subject: ESTONIAN }, { cn: 'MÄNNIK,MARILIIS,47101010033' }, true],
  ['cn with escaped commas, one piece', { subject: ESTONIAN }, { cn: 'MARILIIS' }, false],
  ['cn with escaped commas, another attribute', { subject: ESTONIAN }, { cn: 'PNOEE-47101010033' }, false],
  ['SN is surname, not serialNumber', { subject: ESTONIAN }, { subject: { SN: 'MÄNNIK', serialNumber: 'PNOEE-47101010033' } }, true],
  ['cn with an escaped comma vs a DN-shaped CN', { subject: 'CN=clientA\\,OU=admins' }, { cn: 'clientA' }, false],
  ['OU=CN=clientA is not a CN', { subject: 'CN=other,OU=CN=clientA' }, { cn: 'clientA' }, false],
  ['cn any of', {}, { cn: ['clientB', 'clientA'] }, true],
  ['cn none of', {}, { cn: ['clientB', 'clientC'] }, false],
  ['two CNs never match cn', { subject: 'CN=clientA,CN=evil' }, { cn: 'clientA' }, false],
  ['two CNs never match either CN', { subject: 'CN=clientA,CN=evil' }, { cn: ['evil', 'clientA'] }, false],
  ['two CNs never match a catch-all RegExp', { subject: 'CN=clientA,CN=evil' }, { cn: /^.*$/ }, false],
  ['two CNs in one RDN never match', { subject: 'CN=clientA+CN=evil' }, { cn: 'clientA' }, false],
  ['two CNs never match requireCN-style arrays either', { subject: 'CN=evil,OU=x,CN=clientA' }, anyOf({ cn: 'clientA' }, { cn: 'evil' }), false],
  ['two CNs never match subject.CN', { subject: 'CN=clientA,CN=evil' }, { subject: { CN: 'clientA' } }, false],
  ['two CNs never match subject.commonName', { subject: 'CN=x,CN=clientA' }, { subject: { commonName: 'clientA' } }, false],
  ['no CN', { subject: 'O=example.org' }, { cn: /^.*$/ }, false],
  // multi-valued attributes: any value
  ['ou first of several', { subject: 'CN=a,OU=ops,OU=dev' }, { ou: 'ops' }, true],
  ['ou second of several', { subject: 'CN=a,OU=ops,OU=dev' }, { ou: 'dev' }, true],
  ['ou in a multi-valued RDN', { subject: 'O=x+OU=ops' }, { ou: 'ops' }, true],
  ['ou none of several', { subject: 'OU=ops,OU=dev' }, { ou: ['qa', 'Ops'] }, false],
  ['ou absent', { subject: 'CN=a' }, { ou: /^.*$/ }, false],
  ['o', {}, { o: 'example.org' }, true],
  ['subject by long name', { subject: 'OU=ops' }, { subject: { organizationalUnitName: 'ops' } }, true],
  ['subject by OID', { subject: 'OU=ops' }, { subject: { '2.5.4.11': 'ops' } }, true],
  ['subject by lowercase short name', { subject: 'OU=ops' }, { subject: { ou: 'ops' } }, true],
  ['subject, all keys must match', { subject: 'CN=a,O=x' }, { subject: { CN: 'a', O: 'y' } }, false],
  ['issuer CN', {}, { issuer: { CN: 'Test Root CA' } }, true],
  ['issuer is not subject', {}, { issuer: { CN: 'clientA' } }, false],
  // serial numbers compare as numbers
  ['serial lowercase with colons', { serialNumber: '03A5B1' }, { serialNumber: '03:a5:b1' }, true],
  ['serial without the leading zero', { serialNumber: '03A5B1' }, { serialNumber: '3A5B1' }, true],
  ['serial with extra leading zeros', { serialNumber: '03A5B1' }, { serialNumber: '0003a5b1' }, true],
  ['serial with a DER pad byte', { serialNumber: 'A5B1' }, { serialNumber: '00:A5:B1' }, true],
  ['serial differs', { serialNumber: '03A5B1' }, { serialNumber: '03A5B2' }, false],
  ['serial is not a suffix match', { serialNumber: '13A5B1' }, { serialNumber: '3A5B1' }, false],
  ['serial RegExp sees the certificate form', { serialNumber: '03A5B1' }, { serialNumber: /^03A5[0-9A-F]{2}$/ }, true],
  ['serial RegExp is not normalised', { serialNumber: '03A5B1' }, { serialNumber: /^3A5B1$/ }, false],
  // fingerprints
  ['fingerprint without colons, lowercase', { fingerprint256: FP }, { fingerprint256: FP.replace(/:/g, '').toLowerCase() }, true],
  ['fingerprint differs', { fingerprint256: FP }, { fingerprint256: FP.replace(/^AB/, 'AC') }, false],
  // SANs
  ['dns case-insensitive', { san: { dns: ['API.Example.com'] } }, { san: { dns: 'api.example.COM' } }, true],
  ['dns any SAN', { san: { dns: ['a.example.com', 'b.example.com'] } }, { san: { dns: 'b.example.com' } }, true],
  ['dns Kelvin sign is not k', { san: { dns: [`${KELVIN}ey.example.com`] } }, { san: { dns: 'key.example.com' } }, false],
  ['dns wildcard SAN compares literally', { san: { dns: ['*.example.com'] } }, { san: { dns: 'api.example.com' } }, false],
  ['dns wildcard SAN equals itself', { san: { dns: ['*.example.com'] } }, { san: { dns: '*.Example.com' } }, true],
  ['dns absent', {}, { san: { dns: 'api.example.com' } }, false],
  ['email domain case-insensitive', { san: { email: ['Ops@Example.COM'] } }, { san: { email: 'Ops@example.com' } }, true],
  ['email local part case-sensitive', { san: { email: ['Ops@example.com'] } }, { san: { email: 'ops@example.com' } }, false],
  ['uri scheme and host case-insensitive', { san: { uri: ['SPIFFE://Example.org/ns/Prod'] } }, { san: { uri: 'spiffe://example.org/ns/Prod' } }, true],
  ['uri path case-sensitive', { san: { uri: ['spiffe://example.org/ns/Prod'] } }, { san: { uri: 'spiffe://example.org/ns/prod' } }, false],
  ['uri path not normalised', { san: { uri: ['https://example.com/a/../admin'] } }, { san: { uri: 'https://example.com/admin' } }, false],
  ['uri userinfo stays exact', { san: { uri: ['https://Bob@Example.com/'] } }, { san: { uri: 'https://bob@example.com/' } }, false],
  ['uri urn', { san: { uri: ['URN:uuid:ABC'] } }, { san: { uri: 'urn:uuid:ABC' } }, true],
  ['ip IPv6 long form', { san: { ip: ['2001:db8::1'] } }, { san: { ip: '2001:DB8:0:0:0:0:0:1' } }, true],
  ['ip IPv6 leading zeros', { san: { ip: ['2001:db8::1'] } }, { san: { ip: '2001:0db8:0000::0001' } }, true],
  // An IPv4-mapped SAN is an IPv6 address, as name constraints check it: it never stands for the IPv4 one.
  ['ip IPv4-mapped SAN against an IPv4 matcher', { san: { ip: ['::ffff:192.0.2.1'] } }, { san: { ip: '192.0.2.1' } }, false],
  ['ip IPv4 SAN against an IPv4-mapped matcher', { san: { ip: ['192.0.2.1'] } }, { san: { ip: '::ffff:192.0.2.1' } }, false],
  ['ip IPv4-mapped, written two ways', { san: { ip: ['::ffff:192.0.2.1'] } }, { san: { ip: '0:0:0:0:0:ffff:c000:201' } }, true],
  ['uri with a backslash before @ never matches the host after it',
    { san: { uri: ['https://evil.example\\@good.example/'] } }, { san: { uri: 'https://good.example/' } }, false],
  ['uri with a space in the authority never matches', { san: { uri: ['https://good.example /'] } }, { san: { uri: /^https:\/\/good.*$/ } }, false],
  ['uri with userinfo matches the host after @', { san: { uri: ['https://user@Good.Example/'] } }, { san: { uri: 'https://user@good.example/' } }, true],
  ['ip differs', { san: { ip: ['2001:db8::1'] } }, { san: { ip: '2001:db8::2' } }, false],
  ['san kinds are ANDed', { san: { dns: ['a.example'], ip: ['10.0.0.1'] } }, { san: { dns: 'a.example', ip: '10.0.0.2' } }, false],
  // RegExps and predicates
  ['anchored RegExp', {}, { cn: /^client[AB]$/ }, true],
  ['anchored RegExp, i flag', { subject: 'CN=CLIENTA' }, { cn: /^clienta$/i }, true],
  ['anchored RegExp rejects a longer CN', { subject: 'CN=clientAdmin' }, { cn: /^client[AB]$/ }, false],
  ['alternation of anchored branches', { subject: 'CN=clientB' }, { cn: /^clientA$|^clientB$/ }, true],
  ['predicate', {}, { cn: (v) => v.startsWith('client') }, true],
  ['predicate returning a truthy non-boolean', {}, { cn: (() => 'yes') as unknown as (v: string) => boolean }, false],
  ['custom', {}, { custom: (cert) => cert.serialNumber?.length === 40 }, true],
  // AND of fields
  ['fields are ANDed', {}, { cn: 'clientA', ou: 'other' }, false],
  ['fields all match', {}, { cn: 'clientA', ou: 'example.org.unit', issuer: { O: 'example.org' } }, true],
  // combinators
  ['anyOf', {}, anyOf({ cn: 'x' }, { ou: 'example.org.unit' }), true],
  ['anyOf none', {}, anyOf({ cn: 'x' }, { ou: 'y' }), false],
  ['allOf', {}, allOf({ cn: 'clientA' }, { o: 'example.org' }), true],
  ['allOf one fails', {}, allOf({ cn: 'clientA' }, { o: 'other' }), false],
  ['not', { subject: 'CN=clientB' }, not({ cn: 'clientA' }), true],
  ['not of a match', {}, not({ cn: 'clientA' }), false],
  ['nested', {}, allOf(anyOf({ cn: 'clientA' }, { cn: 'clientB' }), not({ ou: 'banned' })), true],
  // Two CNs refuse the whole matcher once it reads the CN anywhere: not() must not turn the CN test's false into a match.
  ['two CNs, not({ cn })', { subject: 'CN=clientA,CN=evil' }, not({ cn: 'clientA' }), false],
  ['two CNs, not({ cn }) excluding neither', { subject: 'CN=clientA,CN=evil' }, not({ cn: 'other' }), false],
  ['two CNs, not(subject.commonName)', { subject: 'CN=clientA,CN=evil' }, not({ subject: { commonName: 'clientA' } }), false],
  ['two CNs, not(subject 2.5.4.3)', { subject: 'CN=clientA,CN=evil' }, not({ subject: { '2.5.4.3': 'clientA' } }), false],
  ['two CNs, not(subject OID.2.5.4.3)', { subject: 'CN=clientA,CN=evil' }, not({ subject: { 'OID.2.5.4.3': 'x' } }), false],
  ['two CNs, not(subject cn) in lowercase', { subject: 'CN=clientA,CN=evil' }, not({ subject: { cn: 'x' } }), false],
  ['two CNs, anyOf with a matching non-CN operand', { subject: 'CN=clientA,CN=evil,OU=ops' }, anyOf({ ou: 'ops' }, { cn: 'x' }), false],
  ['two CNs, CN nested deep in allOf(not(anyOf))', { subject: 'CN=a,CN=b,OU=ops' }, allOf({ ou: 'ops' }, not(anyOf({ o: 'x' }, { cn: 'c' }))), false],
  ['two CNs, a matcher that never reads the CN still matches', { subject: 'CN=a,CN=b,OU=ops' }, anyOf({ ou: 'ops' }, not({ o: 'x' })), true],
  ['two CNs, issuer CN is not the subject CN', { subject: 'CN=a,CN=b', issuer: 'CN=Test Root CA' }, not({ issuer: { CN: 'other' } }), true],
  ['one CN, not({ cn }) of another CN', { subject: 'CN=clientB,O=x' }, not({ cn: 'clientA' }), true],
  ['no CN, not({ cn })', { subject: 'O=x' }, not({ cn: 'clientA' }), true],
];

describe('matchCert', () => {
  for (const [name, fields, matcher, expected] of rows) {
    test(`${name} -> ${expected}`, () => {
      assert.equal(matchCert(fakeCert(fields), matcher), expected);
      assert.equal(compileMatcher(matcher)(fakeCert(fields), undefined), expected);
    });
  }

  test('no certificate never matches, not even not()', () => {
    for (const matcher of [{ cn: /^.*$/ }, not({ cn: 'clientA' }), { custom: () => true }] satisfies CertMatcher[]) {
      assert.equal(matchCert(undefined, matcher), false);
    }
  });

  test('custom receives the request', () => {
    const matcher: CertMatcher<{ path: string }> = { custom: (_cert, req) => req.path === '/a' };
    assert.equal(matchCert(fakeCert(), matcher, { path: '/a' }), true);
    assert.equal(matchCert(fakeCert(), matcher, { path: '/b' }), false);
  });

  test('a throwing predicate propagates (the guard turns it into next(err))', () => {
    const boom = new Error('boom');
    assert.throws(() => matchCert(fakeCert(), { cn: () => { throw boom; } }), boom);
  });

  test('compiled once: later changes to the matcher object or its RegExp do not apply', () => {
    const re = /^clientA$/;
    const matcher: { cn: string | RegExp } = { cn: re };
    const compiled = compileMatcher(matcher);
    matcher.cn = 'someone-else';
    re.compile('^.*$');
    assert.equal(compiled(fakeCert(), undefined), true);
    assert.equal(compiled(fakeCert({ subject: 'CN=clientB' }), undefined), false);
  });

  test('a RegExp is checked as it is copied: getters that change between reads cannot slip a flag or an unanchored source in', () => {
    const flagged = /^clientA$/;
    Object.defineProperty(flagged, 'flags', { get: ((n = 0) => () => (n++ === 0 ? 'g' : ''))() });
    assert.throws(() => compileMatcher({ cn: flagged }), { option: 'matcher.cn' });
    const unanchored = /^clientA$/;
    Object.defineProperty(unanchored, 'source', { get: ((n = 0) => () => (n++ === 0 ? 'clientA' : '^clientA$'))() });
    assert.throws(() => compileMatcher({ cn: unanchored }), { option: 'matcher.cn' });
    // Read in the other order, the check sees the harmless value and the copy gets the bad one.
    const late = /^clientA$/;
    Object.defineProperty(late, 'source', { get: ((n = 0) => () => (n++ === 0 ? '^clientA$' : 'clientA'))() });
    const compiled = (() => { try { return compileMatcher({ cn: late }); } catch { return undefined; } })();
    assert.ok(compiled === undefined || compiled(fakeCert({ subject: 'CN=clientAdmin' }), undefined) === false);
  });
});

type ErrorRow = readonly [name: string, matcher: unknown, option: string, message: RegExp];

const errorRows: ErrorRow[] = [
  ['empty matcher', {}, 'matcher', /empty and would accept every certificate/],
  ['unknown key, other case', { CN: 'a' }, 'matcher.CN', /Did you mean "cn"\?/],
  ['unknown key, typo', { cnn: 'a' }, 'matcher.cnn', /Did you mean "cn"\?/],
  ['unknown key, alias', { serial: '01' }, 'matcher.serial', /Did you mean "serialNumber"\?/],
  ['unknown key, SAN kind at top level', { dns: 'a.example' }, 'matcher.dns', /Did you mean "san\.dns"\?/],
  ['unknown key, far from all', { zzzzzz: 1 }, 'matcher.zzzzzz', /is not a matcher field; use cn, ou/],
  ['prototype key', JSON.parse('{"__proto__": {"cn": "x"}}'), 'matcher.__proto__', /not a matcher field/],
  ['constructor key', { constructor: 'x' }, 'matcher.constructor', /not a matcher field/],
  ['constructor key: no Object.prototype member as the hint', JSON.parse('{"constructor": "x"}'), 'matcher.constructor', /^(?![\s\S]*(?:function Object|\[object Object\]))/],
  ['__proto__ key: no Object.prototype member as the hint', JSON.parse('{"__proto__": "x"}'), 'matcher.__proto__', /^(?![\s\S]*(?:function Object|\[object Object\]))/],
  ['unanchored RegExp', { cn: /clientA/ }, 'matcher.cn', /not anchored.*\/\^\(\?:clientA\)\$\//],
  ['start-anchored only', { cn: /^clientA/ }, 'matcher.cn', /not anchored/],
  ['end-anchored only', { cn: /clientA$/ }, 'matcher.cn', /not anchored/],
  ['top-level alternation', { cn: /^a|b$/ }, 'matcher.cn', /top-level \| that escapes the anchors/],
  ['escaped dollar', { cn: /^clientA\$/ }, 'matcher.cn', /not anchored/],
  ['g flag', { cn: /^clientA$/g }, 'matcher.cn', /g flag.*lastIndex/],
  ['y flag', { cn: /^clientA$/y }, 'matcher.cn', /y flag/],
  ['m flag', { cn: /^clientA$/m }, 'matcher.cn', /m flag.*line breaks/],
  ['bad element of an array', { san: { dns: ['a.example', 'b.example', /b/] } }, 'matcher.san.dns[2]', /not anchored/],
  ['unknown SAN kind', { san: { dns: 'a.example', mail: 'x@y' } }, 'matcher.san.mail', /Did you mean "email"\?/],
  ['empty san', { san: {} }, 'matcher.san', /is empty/],
  ['san not an object', { san: 'a.example' }, 'matcher.san', /is a string; expected an object/],
  ['empty array', { cn: [] }, 'matcher.cn', /empty array/],
  ['empty string', { cn: '' }, 'matcher.cn', /empty string/],
  ['undefined value', { cn: undefined }, 'matcher.cn', /undefined \(a missing environment variable\?\)/],
  ['number', { cn: 42 }, 'matcher.cn', /is a number; expected a string, an anchored RegExp or a predicate/],
  ['null', { ou: null }, 'matcher.ou', /is null/],
  ['nested array', { cn: ['a', ['b']] }, 'matcher.cn[1]', /nested array/],
  ['serial not hex', { serialNumber: 'xyz' }, 'matcher.serialNumber', /in hex/],
  ['SHA-1 fingerprint', { fingerprint256: 'AB'.repeat(20) }, 'matcher.fingerprint256', /64 hex digits/],
  ['ip range', { san: { ip: '10.0.0.0/8' } }, 'matcher.san.ip', /no CIDR/],
  ['ip with zone', { san: { ip: 'fe80::1%eth0' } }, 'matcher.san.ip', /no zone/],
  ['uri not absolute', { san: { uri: 'example.org/x' } }, 'matcher.san.uri', /absolute URI/],
  ['email without local part', { san: { email: 'example.com' } }, 'matcher.san.email', /full mailbox/],
  ['dns non-ASCII', { san: { dns: 'bücher.example' } }, 'matcher.san.dns', /xn--/],
  ['unknown attribute type', { subject: { CNN: 'x' } }, 'matcher.subject.CNN', /not an attribute type.*Did you mean "CN"\?/],
  ['empty subject', { issuer: {} }, 'matcher.issuer', /is empty/],
  ['custom not a function', { custom: true }, 'matcher.custom', /expected \(cert, req\) => boolean/],
  ['async custom', { custom: async () => true }, 'matcher.custom', /async/],
  ['async value predicate', { cn: async () => true }, 'matcher.cn', /async/],
  ['allOf()', allOf(), 'matcher', /allOf\(\) has no operands/],
  ['bad operand of anyOf', anyOf({ cn: 'a' }, {}), 'matcher.anyOf[1]', /is empty/],
  ['bad operand of not', not({ cn: /x/ }), 'matcher.not.cn', /not anchored/],
  ['a string instead of a matcher', 'clientA', 'matcher', /\{ cn: 'clientA' \}/],
  ['an array instead of a matcher', [{ cn: 'a' }], 'matcher', /anyOf/],
  ['a function instead of a matcher', () => true, 'matcher', /custom/],
  ['a class instance', new Date(), 'matcher', /expected a matcher object/],
];

describe('compileMatcher refuses bad matchers with the path and the fix', () => {
  for (const [name, matcher, option, message] of errorRows) {
    test(name, () => {
      assert.throws(() => compileMatcher(matcher as CertMatcher), (error: unknown) => {
        assert.ok(error instanceof MtlsConfigError, `not a MtlsConfigError: ${String(error)}`);
        assert.equal(error.code, 'ERR_MTLS_INVALID_OPTION');
        assert.equal(error.option, option);
        assert.match(error.message, message);
        return true;
      });
    });
  }

  test('the path prefix is the caller\'s', () => {
    assert.throws(() => compileMatcher({ cn: /x/ }, 'rules[3][0]'), { option: 'rules[3][0].cn' });
  });
});

describe('regExpProblem', () => {
  const anchored = [/^a$/, /^$/, /^a$|^b$/, /^(a|b)$/, /^(?:a|b)$/, /^[|$]$/, /^a\\$/, /^a$/i, /^a$/su, /^[\]|]$/, new RegExp('^[[a-z]--[aeiou]]$|^[\\q{x|y}]$', 'v')];
  for (const re of anchored) test(`accepts ${re}`, () => assert.equal(regExpProblem(re), undefined));
  const refused = [/a/, /^a/, /a$/, /^a|b$/, /^a$|b/, /^a\$/, /^(a$)/, /^a$|^b/, /^[a]$|c/, /^a$/g, /^a$/y, /^a$/m];
  for (const re of refused) test(`refuses ${re}`, () => assert.equal(typeof regExpProblem(re), 'string'));

  // The suggested fix must compile, with the original flags, and be accepted itself.
  const unanchored = [/^clientA\$/, /clientA\\$/, /a\\\$/, /^a|b$/, /^[$]/, /\p{Lu}+/u, /clientA/i, /$/, /^a$|b/,
    new RegExp('[\\p{L}--[a-z]]', 'v')];
  for (const re of unanchored) {
    test(`suggests a RegExp that compiles for ${re}`, () => {
      const problem = regExpProblem(re) ?? '';
      const [, source = '', flags = ''] = /write \/(.*)\/([a-z]*)$/.exec(problem) ?? [];
      assert.ok(source !== '', problem);
      const suggested = new RegExp(source, flags);
      assert.equal(suggested.flags, re.flags);
      assert.equal(regExpProblem(suggested), undefined);
    });
  }

  test('keeps an escaped trailing dollar literal in the suggestion', () => {
    assert.match(regExpProblem(/^clientA\$/) ?? '', /write \/\^\(\?:clientA\\\$\)\$\/$/);
  });
});

describe('the unanchored-RegExp refusal speaks of the field and pattern given', () => {
  const messageFor = (matcher: CertMatcher): string => {
    try {
      compileMatcher(matcher);
    } catch (error) {
      assert.ok(error instanceof MtlsConfigError);
      return error.message;
    }
    assert.fail('an unanchored RegExp was accepted');
  };

  test('a word pattern is named with examples built from it, and the fix anchors it', () => {
    const message = messageFor({ ou: /ops/ });
    assert.match(message, /matcher\.ou: RegExp \/ops\/ is not anchored/);
    assert.match(message, /"ops-x" or "xops"/);
    assert.match(message, /write \/\^\(\?:ops\)\$\//);
    assert.doesNotMatch(message, /clientA/);
  });

  test('other patterns and fields get the rule without a made-up example', () => {
    const message = messageFor({ san: { dns: /example\.com/ } });
    assert.match(message, /matcher\.san\.dns: RegExp \/example\\\.com\/ is not anchored/);
    assert.doesNotMatch(message, /clientA|such as/);
  });
});
