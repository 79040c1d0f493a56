/**
 * Name chaining (RFC 5280 7.1 as OpenSSL canonicalises), name constraints (4.2.1.10) and explicit policy.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalName } from '../../src/core/dn/name-canon.js';
import { readTlv } from '../../src/core/der/der.js';
import { dnsMatches } from '../../src/core/path/name-match.js';
import { caExtensions, cn, GN, ia5, leafExtensions, makeCert, name, newKey, O, printable, CN, X, type TestCert, tlv } from '../helpers/pki/cert-builder.js';
import { ca, check, reasonOf, storeOf } from '../helpers/pki/chain-fixtures.js';

function canon(der: Uint8Array): string {
  return canonicalName(der, readTlv(der, 0));
}

describe('canonical name comparison', () => {
  it('ignores case, surrounding and repeated whitespace, and the string type', () => {
    assert.equal(canon(name([O, printable('  Example   CA ')])), canon(name([O, 'example ca'])));
    assert.notEqual(canon(name([O, 'example ca'])), canon(name([O, 'example  cb'])));
    assert.notEqual(canon(name([O, 'Example'])), canon(name([CN, 'Example'])));
    assert.notEqual(canon(name([O, 'a'], [CN, 'b'])), canon(name([CN, 'b'], [O, 'a'])));
  });

  it('lowercases ASCII only, like OpenSSL', () => {
    assert.notEqual(canon(name([O, 'ÄRGER'])), canon(name([O, 'ärger'])));
    assert.equal(canon(name([O, 'ÄRGER'])), canon(name([O, 'Ärger'])));
  });

  it('builds a chain whose issuer is spelled differently from the CA subject', () => {
    const key = newKey();
    const root = makeCert({ subject: name([O, 'Example Corp'], [CN, 'Root CA']), key, ca: true });
    const leafKey = newKey();
    const leaf = makeCert({ subject: cn('client'), key: leafKey,
      issuer: { subject: name([O, printable('EXAMPLE  CORP')], [CN, printable('root ca')]), key } });
    assert.equal(reasonOf(check(leaf, [], storeOf(root))), 'ok');
  });
});

function constrainedRoot(permitted: Uint8Array[], excluded: Uint8Array[] = [], critical = true): TestCert {
  const key = newKey();
  return makeCert({ subject: cn('NC Root'), key, extensions: [...caExtensions(key, key), X.nc(permitted, excluded, critical)] });
}

function leafNamed(issuer: TestCert, names: Uint8Array[], subject = cn('client')): TestCert {
  const key = newKey();
  return makeCert({ subject, key, issuer, extensions: [...leafExtensions(key, issuer.key), X.san(names)] });
}

describe('name constraints', () => {
  const verdict = (root: TestCert, names: Uint8Array[], subject?: Uint8Array) =>
    reasonOf(check(leafNamed(root, names, subject), [], storeOf(root)));

  it('dNSName: a subtree includes its subdomains, not look-alikes', () => {
    const root = constrainedRoot([GN.dns('example.com')]);
    assert.equal(verdict(root, [GN.dns('example.com')]), 'ok');
    assert.equal(verdict(root, [GN.dns('a.b.Example.COM')]), 'ok');
    assert.equal(verdict(root, [GN.dns('notexample.com')]), 'name-constraints');
    assert.equal(verdict(root, [GN.dns('example.com'), GN.dns('evil.org')]), 'name-constraints');
    assert.equal(verdict(root, [GN.dns('.example.com')]), 'name-constraints');
    assert.equal(verdict(root, [GN.dns('*.example.com')]), 'ok');
    assert.equal(verdict(root, [GN.dns('*.com')]), 'name-constraints');
  });

  it('dNSName exclusions, including a wildcard that covers an excluded name', () => {
    const root = constrainedRoot([], [GN.dns('bar.example.com')]);
    assert.equal(verdict(root, [GN.dns('foo.example.com')]), 'ok');
    assert.equal(verdict(root, [GN.dns('x.bar.example.com')]), 'name-constraints');
    assert.equal(verdict(root, [GN.dns('*.example.com')]), 'name-constraints');
    assert.equal(dnsMatches('*.example.com', 'a.b.example.com', true), false);
    assert.equal(dnsMatches('*.example.com', 'foo.example.com', false), false);
    assert.equal(dnsMatches('*.foo.example.com', 'example.com', false), true);
  });

  it('refuses malformed constraints (leading period, wildcard) outright', () => {
    assert.equal(verdict(constrainedRoot([GN.dns('.example.com')]), [GN.dns('a.example.com')]), 'malformed');
    assert.equal(verdict(constrainedRoot([GN.dns('*.example.com')]), [GN.dns('a.example.com')]), 'malformed');
  });

  it('rfc822Name: mailbox, host and domain forms; applies to the subject emailAddress too', () => {
    assert.equal(verdict(constrainedRoot([GN.email('example.com')]), [GN.email('Foo@EXAMPLE.com')]), 'ok');
    assert.equal(verdict(constrainedRoot([GN.email('example.com')]), [GN.email('foo@sub.example.com')]), 'name-constraints');
    assert.equal(verdict(constrainedRoot([GN.email('.example.com')]), [GN.email('foo@sub.example.com')]), 'ok');
    assert.equal(verdict(constrainedRoot([GN.email('foo@example.com')]), [GN.email('Foo@example.com')]), 'name-constraints');
    assert.equal(verdict(constrainedRoot([GN.email('example.com')]), [GN.email('a@b@example.com')]), 'name-constraints');
    const emailSubject = name([CN, 'client'], ['1.2.840.113549.1.9.1', ia5('evil@evil.org')]);
    assert.equal(verdict(constrainedRoot([GN.email('example.com')]), [GN.dns('x.example.com')], emailSubject), 'name-constraints');
  });

  it('iPAddress: CIDR subtrees, per address family', () => {
    const root = constrainedRoot([GN.ip(192, 0, 2, 0, 255, 255, 255, 0)]);
    assert.equal(verdict(root, [GN.ip(192, 0, 2, 77)]), 'ok');
    assert.equal(verdict(root, [GN.ip(192, 0, 3, 1)]), 'name-constraints');
    assert.equal(verdict(root, [GN.ip(...new Array(15).fill(0), 1)]), 'name-constraints');
    assert.equal(verdict(constrainedRoot([GN.ip(192, 0, 2, 0, 255, 0, 255, 0)]), [GN.ip(192, 0, 2, 1)]), 'malformed');
  });

  it('directoryName: applies to the subject and to directoryName SANs', () => {
    const root = constrainedRoot([GN.dn(name([O, 'Example']))]);
    assert.equal(verdict(root, [GN.dns('a.example')], name([O, 'example'], [CN, 'client'])), 'ok');
    assert.equal(verdict(root, [GN.dns('a.example')], name([O, 'Other'], [CN, 'client'])), 'name-constraints');
    assert.equal(verdict(root, [GN.dn(name([O, 'Other']))], name([O, 'Example'], [CN, 'c'])), 'name-constraints');
  });

  it('uniformResourceIdentifier: host and .domain forms', () => {
    const root = constrainedRoot([GN.uri('.example.com')]);
    assert.equal(verdict(root, [GN.uri('spiffe://a.example.com/workload')]), 'ok');
    assert.equal(verdict(root, [GN.uri('spiffe://example.org/workload')]), 'name-constraints');
    assert.equal(verdict(root, [GN.uri('urn:uuid:1234')]), 'name-constraints');
  });

  it('uniformResourceIdentifier: an authority that parsers read differently satisfies no constraint', () => {
    const permitted = constrainedRoot([GN.uri('good.example')]);
    assert.equal(verdict(permitted, [GN.uri('https://user@good.example:8443/path')]), 'ok');
    // WHATWG URL parsing reads host evil.example here; the text after the last @ says good.example.
    assert.equal(verdict(permitted, [GN.uri('https://evil.example\\@good.example/')]), 'name-constraints');
    assert.equal(verdict(permitted, [GN.uri('https://evil.example@good.example@good.example/')]), 'name-constraints');
    assert.equal(verdict(permitted, [GN.uri('https://good.example /')]), 'name-constraints');
    assert.equal(verdict(permitted, [GN.uri('https://[2001:db8::1]/')]), 'name-constraints');
    const excluded = constrainedRoot([], [GN.uri('evil.example')]);
    assert.equal(verdict(excluded, [GN.uri('https://good.example/')]), 'ok');
    assert.equal(verdict(excluded, [GN.uri('https://evil.example\\@good.example/')]), 'name-constraints');
  });

  it('iPAddress constraints apply per family: an IPv4-mapped IPv6 SAN is an IPv6 address (as OpenSSL)', () => {
    const root = constrainedRoot([], [GN.ip(10, 0, 0, 0, 255, 0, 0, 0)]);
    const mapped = GN.ip(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, 0, 1);
    assert.equal(verdict(root, [GN.ip(10, 0, 0, 1)]), 'name-constraints');
    assert.equal(verdict(root, [mapped]), 'ok');
    // ...which is why no matcher equates it with 10.0.0.1 (test/core/match.test.ts).
  });

  it('a constraint on a form we cannot evaluate refuses only certificates carrying that form', () => {
    const otherName = tlv(0xa0, tlv(0x06, Buffer.from([0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x14, 0x02, 0x03])), tlv(0xa0, tlv(0x0c, Buffer.from('x'))));
    const root = constrainedRoot([], [otherName]);
    assert.equal(verdict(root, [GN.dns('a.example')]), 'ok');
    assert.equal(verdict(root, [GN.other()]), 'name-constraints');
  });

  it('intermediates are constrained too, self-issued ones are exempt, and constraints only narrow', () => {
    const root = constrainedRoot([GN.dns('example.com')]);
    const key = newKey();
    const widening = makeCert({ subject: cn('ICA'), key, issuer: root,
      extensions: [...caExtensions(key, root.key), X.nc([GN.dns('example.com'), GN.dns('evil.org')])] });
    const leaf = leafNamed(widening, [GN.dns('www.evil.org')]);
    assert.equal(reasonOf(check(leaf, [widening], storeOf(root))), 'name-constraints');
    const namedIca = makeCert({ subject: cn('ICA'), key, issuer: root,
      extensions: [...caExtensions(key, root.key), X.san([GN.dns('ica.evil.org')])] });
    assert.equal(reasonOf(check(leafNamed(namedIca, [GN.dns('a.example.com')]), [namedIca], storeOf(root))), 'name-constraints');
  });

  it('constrains a self-issued leaf (only self-issued intermediates are exempt)', () => {
    const root = constrainedRoot([GN.dns('example.com')]);
    assert.equal(verdict(root, [GN.dns('www.evil.org')], cn('NC Root')), 'name-constraints');
    assert.equal(verdict(root, [GN.dns('www.example.com')], cn('NC Root')), 'ok');
  });

  it('refuses a non-critical nameConstraints (RFC 5280 MUST) and one in a leaf', () => {
    assert.equal(verdict(constrainedRoot([GN.dns('example.com')], [], false), [GN.dns('a.example.com')]), 'profile');
    const root = ca('Root');
    const key = newKey();
    const leaf = makeCert({ subject: cn('c'), key, issuer: root, extensions: [...leafExtensions(key, root.key), X.nc([GN.dns('a.com')])] });
    assert.equal(reasonOf(check(leaf, [], storeOf(root))), 'profile');
  });

  it('bounds the work (names x constraints), like OpenSSL', () => {
    const many = Array.from({ length: 1100 }, (_, i) => GN.dns(`n${i}.example.com`));
    const root = constrainedRoot(many);
    assert.equal(verdict(root, many.slice(0, 1000)), 'limits');
    assert.equal(verdict(root, many.slice(0, 10)), 'ok');
  });
});

describe('explicit policy', () => {
  it('refuses a path that requires an explicit policy (not processed: fail closed)', () => {
    const key = newKey();
    const root = makeCert({ subject: cn('Policy Root'), key, extensions: [...caExtensions(key, key), X.policyConstraints(0)] });
    const leaf = leafNamed(root, [GN.dns('a.example')]);
    assert.equal(reasonOf(check(leaf, [], storeOf(root))), 'policy');
  });

  it('accepts requireExplicitPolicy that the path is too short to reach', () => {
    const key = newKey();
    const root = makeCert({ subject: cn('Policy Root'), key, extensions: [...caExtensions(key, key), X.policyConstraints(2)] });
    assert.equal(reasonOf(check(leafNamed(root, [GN.dns('a.example')]), [], storeOf(root))), 'ok');
  });
});
