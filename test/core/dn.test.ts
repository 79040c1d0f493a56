/**
 * Unit tests of the DN parser, formatter, comparison and DER reader, and of OpenSSL's name table. Expected
 * values come from the captures in docs/alb-mtls-headers.md, RFC 4514 and OpenSSL's documented names; the
 * comparison with OpenSSL itself is in dn-openssl.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DerError, readTlv } from '../../src/core/der/der.js';
import { nameFromDer } from '../../src/core/dn/dn-der.js';
import { createDN, dnEquals, parseDN } from '../../src/core/dn/dn.js';
import { attributeByName, displayName } from '../../src/core/der/oid-names.js';
import type { RdnAttribute } from '../../src/core/types.js';
import { MtlsError } from '../../src/core/errors.js';
import { derName, derString, derTlv } from '../helpers/dn-certs.js';

/** `[type, oid, value]`, plus `true` for a binary value. */
type Expected = readonly [string, string, string, true?];

const attrs = (dn: { rdns: ReadonlyArray<ReadonlyArray<RdnAttribute>> }): Expected[][] =>
  dn.rdns.map((rdn) => rdn.map((a): Expected => (a.binary === true ? [a.type, a.oid, a.value, true] : [a.type, a.oid, a.value])));

const CN = '2.5.4.3';
const OU = '2.5.4.11';
const O = '2.5.4.10';
const C = '2.5.4.6';

describe('parseDN: the real captures', () => {
  test('AWS example subject and issuer', () => {
    assert.deepEqual(attrs(parseDN('CN=client_.com,OU=client-3,O=mTLS,ST=Washington,C=US')), [
      [['CN', CN, 'client_.com']], [['OU', OU, 'client-3']], [['O', O, 'mTLS']], [['ST', '2.5.4.8', 'Washington']], [['C', C, 'US']],
    ]);
    const issuer = parseDN('CN=rootcamtls.com,OU=rootCA,O=mTLS,L=Seattle,ST=Washington,C=US');
    assert.equal(issuer.get('L'), 'Seattle');
    assert.equal(issuer.get('localityName'), 'Seattle');
  });

  test('clientA capture', () => {
    const dn = parseDN('CN=clientA,OU=example.org.unit,O=example.org,L=Default City,ST=Osaka,C=JP');
    assert.deepEqual(attrs(dn), [
      [['CN', CN, 'clientA']], [['OU', OU, 'example.org.unit']], [['O', O, 'example.org']],
      [['L', '2.5.4.7', 'Default City']], [['ST', '2.5.4.8', 'Osaka']], [['C', C, 'JP']],
    ]);
  });

  test('Estonian ID card subject: SN is surname, \\C3\\84 is one character, escaped commas', () => {
    const dn = parseDN('serialNumber=PNOEE-47101010033,GN=MARILIIS,SN=M\\C3\\84NNIK,CN=M\\C3\\84NNIK\\,MARILIIS\\,47101010033,C=EE');
    assert.deepEqual(attrs(dn), [
      [['serialNumber', '2.5.4.5', 'PNOEE-47101010033']],
      [['GN', '2.5.4.42', 'MARILIIS']],
      [['SN', '2.5.4.4', 'M\u00c4NNIK']],
      [['CN', CN, 'M\u00c4NNIK,MARILIIS,47101010033']],
      [['C', C, 'EE']],
    ]);
    assert.equal(dn.get('surname'), 'MÄNNIK');
    assert.equal(dn.get('serialNumber'), 'PNOEE-47101010033');
    assert.equal(dn.get('givenName'), 'MARILIIS');
  });

  test('Estonian ID card issuer: organizationIdentifier has no short name', () => {
    const dn = parseDN('CN=ESTEID2018,organizationIdentifier=NTREE-10747013,O=SK ID Solutions AS,C=EE');
    assert.deepEqual(attrs(dn), [
      [['CN', CN, 'ESTEID2018']], [['organizationIdentifier', '2.5.4.97', 'NTREE-10747013']],
      [['O', O, 'SK ID Solutions AS']], [['C', C, 'EE']],
    ]);
  });
});

const PARSED: ReadonlyArray<readonly [string, Expected[][]]> = [
  ['', []],
  ['commonName=x', [[['CN', CN, 'x']]]],
  ['cn=x', [[['CN', CN, 'x']]]],
  ['2.5.4.3=x', [[['CN', CN, 'x']]]],
  ['OID.2.5.4.3=x', [[['CN', CN, 'x']]]],
  ['oid.2.5.4.3=x', [[['CN', CN, 'x']]]],
  ['SN=Doe,serialNumber=1,GN=Jane', [[['SN', '2.5.4.4', 'Doe']], [['serialNumber', '2.5.4.5', '1']], [['GN', '2.5.4.42', 'Jane']]]],
  ['emailAddress=a@b.c', [[['emailAddress', '1.2.840.113549.1.9.1', 'a@b.c']]]],
  ['DC=example,dc=com', [[['DC', '0.9.2342.19200300.100.1.25', 'example']], [['DC', '0.9.2342.19200300.100.1.25', 'com']]]],
  ['UID=jdoe,userId=x', [[['UID', '0.9.2342.19200300.100.1.1', 'jdoe']], [['UID', '0.9.2342.19200300.100.1.1', 'x']]]],
  ['streetAddress=Main,street=Side', [[['street', '2.5.4.9', 'Main']], [['street', '2.5.4.9', 'Side']]]],
  ['fooBar=x', [[['fooBar', '', 'x']]]],
  ['1.2.3.4=x', [[['1.2.3.4', '1.2.3.4', 'x']]]],
  ['1.2.3.4=#0C0178', [[['1.2.3.4', '1.2.3.4', '#0C0178', true]]]],
  ['fooBar=#0c0178', [[['fooBar', '', '#0C0178', true]]]],
  ['CN=#0C0178', [[['CN', CN, 'x']]]],
  ['CN=#0c0178', [[['CN', CN, 'x']]]],
  ['CN=#130178', [[['CN', CN, 'x']]]],
  ['CN=#1E020078', [[['CN', CN, 'x']]]],
  ['CN=#1404636166E9', [[['CN', CN, 'caf\u00e9']]]],
  ['CN=#020105', [[['CN', CN, '#020105', true]]]],
  ['CN=#030200AB', [[['CN', CN, '#030200AB', true]]]],
  ['O=Sue\\, Grabbit+OU=Ops,C=US', [[['O', O, 'Sue, Grabbit'], ['OU', OU, 'Ops']], [['C', C, 'US']]]],
  ['CN=a+CN=b+CN=c', [[['CN', CN, 'a'], ['CN', CN, 'b'], ['CN', CN, 'c']]]],
  ['CN=a\\,b\\+c\\"d\\\\e\\<f\\>g\\;h\\=i\\#j\\ k', [[['CN', CN, 'a,b+c"d\\e<f>g;h=i#j k']]]],
  ['CN=a=b#c', [[['CN', CN, 'a=b#c']]]],
  ['CN=\\#x', [[['CN', CN, '#x']]]],
  ['O=#', [[['O', O, '#']]]],
  ['O=#,CN=x', [[['O', O, '#']], [['CN', CN, 'x']]]],
  ['CN=\\ ', [[['CN', CN, ' ']]]],
  ['CN=\\ \\ ', [[['CN', CN, '  ']]]],
  ['CN=\\  \\ ', [[['CN', CN, '   ']]]],
  ['CN=\\ x\\ ', [[['CN', CN, ' x ']]]],
  ['CN=', [[['CN', CN, '']]]],
  ['CN=,O=x', [[['CN', CN, '']], [['O', O, 'x']]]],
  ['CN=\\E6\\97\\A5\\E6\\9C\\AC', [[['CN', CN, '日本']]]],
  ['CN=\\F0\\9F\\98\\80 ok', [[['CN', CN, '😀 ok']]]],
  ['CN=caf\\c3\\a9', [[['CN', CN, 'café']]]],
  ['CN=\\41\\42', [[['CN', CN, 'AB']]]],
  ['CN=日本 😀', [[['CN', CN, '日本 😀']]]],
  ['CN=a\u0001b\u007f', [[['CN', CN, 'a\u0001b\u007f']]]],
  ['CN=a\\00b', [[['CN', CN, 'a\u0000b']]]],
  ['ct_precert_scts=x,RSA-SHA512/224=y', [[['ct_precert_scts', '1.3.6.1.4.1.11129.2.4.2', 'x']], [['RSA-SHA512/224', '1.2.840.113549.1.1.15', 'y']]]],
  ['2.25.329800735698586629295641978511506172918=#0C0178', [[['2.25.329800735698586629295641978511506172918', '2.25.329800735698586629295641978511506172918', '#0C0178', true]]]],
];

describe('parseDN: grammar', () => {
  for (const [input, expected] of PARSED) {
    test(JSON.stringify(input), () => assert.deepEqual(attrs(parseDN(input)), expected));
  }
});

/** Malformed input and the offset the error must name. */
const MALFORMED: ReadonlyArray<readonly [string, number]> = [
  ['CN=a\\', 4], ['CN=a\\x', 4], ['CN=\\4', 3], ['CN=\\4g', 3], ['CN=\\é', 3],
  ['CN=\\C3', 3], ['CN=\\C3x', 3], ['CN=\\C3\\,', 3], ['CN=\\C3é', 3], ['CN=\\E9', 3],
  ['CN=\\FF', 3], ['CN=\\80', 3], ['CN=\\C0\\80', 3], ['CN=\\E0\\80\\80', 3], ['CN=\\ED\\A0\\80', 3], ['CN=x\\F4\\90\\80\\80', 4],
  ['CN', 2], ['=x', 0], ['', -1], ['CN=x,', 4], [',CN=x', 0], ['CN=x,,O=y', 5], ['CN=x++O=y', 5], ['CN=x+', 4], ['CN=x,O', 6],
  ['CN=x, O=y', 5], ['CN=a"b', 4], ['CN=a;b', 4], ['CN=a<b', 4], ['CN=a>b', 4], ['CN=a\u0000b', 4], ['CN=ab"', 5],
  ['CN= x', 3], ['CN=x ', 4], ['CN=x\\,y ', 7], ['CN=é ', 4],
  ['C N=x', 1], ['CN =x', 2], ['-CN=x', 0], ['C_N=x', 1], ['C/N=x', 1], ['\\ CN=x', 0],
  ['1=x', 0], ['1.=x', 2], ['01.2=x', 0], ['1.02=x', 2], ['1..2=x', 2], ['2.5.4.3.=x', 8], ['OID.=x', 4], ['OID.2=x', 4],
  ['CN=#0', 3], ['CN=#0G', 5], ['CN=#0C01780x', 11], ['CN=#0C02', 3], ['CN=#0C017800', 3], ['CN=#0C01FF', 3], ['CN=#00', 3],
  ['CN=#\\41', 3], ['CN=\ud800', 3], ['CN=\udc00x', 3], ['CN=a\ud800', 4],
  ['O=trail \\', 8], ['CN=a\\\\\\', 6],
];

describe('parseDN: malformed input', () => {
  for (const [input, offset] of MALFORMED) {
    if (offset < 0) continue; // the empty string is the empty DN, listed here to document it is not an error
    test(JSON.stringify(input), () => {
      assert.throws(() => parseDN(input), (error: unknown) => {
        assert.ok(error instanceof MtlsError, 'an MtlsError');
        assert.equal(error.code, 'ERR_MTLS_MALFORMED_HEADER');
        assert.equal(error.status, 400);
        assert.ok(error.cause instanceof Error, 'with an Error as cause');
        assert.match(error.cause.message, new RegExp(`at offset ${offset}$`));
        return true;
      });
    });
  }

  test('the error never quotes the input', () => {
    for (const input of ['CN=SECRET"x', 'SECRET=x,', 'CN=#SECRET', 'CN=SECRET\\q']) {
      assert.throws(() => parseDN(input), (error: MtlsError) => !String((error.cause as Error).message).includes('SECRET') && !error.message.includes('SECRET'));
    }
  });

  test('the empty string is the empty DN', () => {
    const dn = parseDN('');
    assert.equal(dn.rdns.length, 0);
    assert.equal(dn.toString(), '');
    assert.equal(dn.get('CN'), undefined);
  });

  test('linear time on hostile input', () => {
    const long = 'CN=' + '\\41'.repeat(200_000) + ',' + 'O=x+'.repeat(50_000) + 'O=y';
    const started = process.hrtime.bigint();
    const dn = parseDN(long);
    assert.equal(dn.get('CN')?.length, 200_000);
    assert.ok(Number(process.hrtime.bigint() - started) < 2e9, 'parses 1 MB in well under 2 s');
  });
});

describe('parseDN: recoverTrailingSpace', () => {
  const CASES: ReadonlyArray<readonly [string, string, string]> = [
    // [header as received, value of the last attribute, canonical string]
    ['CN=x,O=trail\\', 'trail ', 'CN=x,O=trail\\ '],
    ['O=trail \\', 'trail  ', 'O=trail \\ '],
    ['O=\\', ' ', 'O=\\ '],
    ['O=a\\\\\\', 'a\\ ', 'O=a\\\\\\ '],
    ['O=a\\\\', 'a\\', 'O=a\\\\'],
    ['O=a', 'a', 'O=a'],
  ];
  for (const [input, value, canonical] of CASES) {
    test(JSON.stringify(input), () => {
      const dn = parseDN(input, { recoverTrailingSpace: true });
      assert.equal(dn.get('O'), value);
      assert.equal(dn.toString(), canonical);
    });
  }
  test('without the option a final lone backslash is malformed', () => {
    assert.throws(() => parseDN('CN=x,O=trail\\'), { code: 'ERR_MTLS_MALFORMED_HEADER' });
    assert.throws(() => parseDN('CN=x,O=trail\\', { recoverTrailingSpace: false }), { code: 'ERR_MTLS_MALFORMED_HEADER' });
  });
});

describe('toString: OpenSSL RFC 2253 escaping', () => {
  const FORMATTED: ReadonlyArray<readonly [string, string]> = [
    ['plain', 'plain'], ['a=b', 'a=b'], ['a/b', 'a/b'], ['#', '#'], ['#a', '\\#a'], ['a#', 'a#'], ['##', '\\##'],
    [' ', '\\ '], ['  ', '\\ \\ '], ['   ', '\\  \\ '], [' a b ', '\\ a b\\ '], ['# ', '\\#\\ '],
    [',+"\\<>;', '\\,\\+\\"\\\\\\<\\>\\;'], ['\u0000\u0001\u001f\u007f', '\\00\\01\\1F\\7F'],
    ['é', '\\C3\\A9'], ['日', '\\E6\\97\\A5'], ['😀', '\\F0\\9F\\98\\80'], ['\u0085', '\\C2\\85'], ['', ''],
  ];
  for (const [value, expected] of FORMATTED) {
    test(JSON.stringify(value), () => {
      const dn = createDN([[{ type: 'CN', oid: CN, value }]]);
      assert.equal(dn.toString(), `CN=${expected}`);
      assert.equal(parseDN(dn.toString()).get('CN'), value, 'and parses back');
    });
  }
  test('RDNs joined by "," and multi-valued members by "+"; binary values as uppercase hex', () => {
    const dn = createDN([
      [{ type: 'CN', oid: CN, value: 'a' }, { type: 'UID', oid: '0.9.2342.19200300.100.1.1', value: 'b' }],
      [{ type: '1.2.3.4', oid: '1.2.3.4', value: '#0c0178', binary: true }],
    ]);
    assert.equal(dn.toString(), 'CN=a+UID=b,1.2.3.4=#0C0178');
    assert.equal(dn.toString(), dn.toString());
  });
});

describe('DistinguishedName: get, getAll, immutability', () => {
  const dn = parseDN('CN=first,OU=b+OU=c,SN=Doe,serialNumber=42,CN=second,1.2.3.4=#0C0178,fooBar=baz,C=US');

  test('get: left-most value; by short name, long name, OID, any case', () => {
    for (const type of ['CN', 'cn', 'commonName', 'COMMONNAME', '2.5.4.3', 'OID.2.5.4.3']) assert.equal(dn.get(type), 'first', type);
    assert.equal(dn.get('SN'), 'Doe');
    assert.equal(dn.get('surname'), 'Doe');
    assert.equal(dn.get('serialNumber'), '42');
    assert.equal(dn.get('1.2.3.4'), '#0C0178');
    assert.equal(dn.get('FOOBAR'), 'baz');
    assert.equal(dn.get('O'), undefined);
    assert.equal(dn.get('nonsense'), undefined);
    assert.equal(dn.get(''), undefined);
  });

  test('getAll: every value left to right, a new array each time', () => {
    assert.deepEqual(dn.getAll('commonName'), ['first', 'second']);
    assert.deepEqual(dn.getAll('2.5.4.11'), ['b', 'c']);
    assert.deepEqual(dn.getAll('O'), []);
    assert.notEqual(dn.getAll('CN'), dn.getAll('CN'));
  });

  test('frozen all the way down', () => {
    assert.ok(Object.isFrozen(dn), 'the DN');
    assert.ok(Object.isFrozen(dn.rdns), 'rdns');
    for (const rdn of dn.rdns) {
      assert.ok(Object.isFrozen(rdn), 'each RDN');
      for (const attribute of rdn) assert.ok(Object.isFrozen(attribute), 'each attribute');
    }
    assert.throws(() => { (dn.rdns as RdnAttribute[][]).push([]); }, TypeError);
    assert.throws(() => { (dn.rdns[0]![0] as { value: string }).value = 'admin'; }, TypeError);
  });

  test('createDN copies and freezes; rejects empty RDNs', () => {
    const source = [[{ type: 'CN', oid: CN, value: 'x' }]];
    const made = createDN(source);
    source[0]![0]!.value = 'changed';
    assert.equal(made.get('CN'), 'x');
    assert.ok(Object.isFrozen(made.rdns[0]![0]), 'attributes frozen');
    assert.equal(createDN([]).toString(), '');
    assert.throws(() => createDN([[]]), TypeError);
    assert.throws(() => createDN([[{ type: 'CN', oid: CN } as unknown as RdnAttribute]]), TypeError);
  });
});

describe('dnEquals', () => {
  const EQUAL: ReadonlyArray<readonly [string, string]> = [
    ['CN=x,O=y', 'commonName=x,organizationName=y'],
    ['CN=x,O=y', '2.5.4.3=x,2.5.4.10=y'],
    ['CN=a+OU=b,C=US', 'OU=b+CN=a,C=US'],
    ['CN=a+CN=a+CN=b', 'CN=a+CN=b+CN=a'],
    ['CN=\\C3\\A9', 'CN=é'],
    ['CN=#0C0178', 'CN=x'],
    ['fooBar=x', 'FOOBAR=x'],
    ['1.2.3.4=#0c0178', '1.2.3.4=#0C0178'],
    ['', ''],
  ];
  const DIFFERENT: ReadonlyArray<readonly [string, string]> = [
    ['CN=x,O=y', 'O=y,CN=x'],
    ['CN=x', 'CN=X'],
    ['CN=x', 'CN=x,C=US'],
    ['CN=a+CN=a+CN=b', 'CN=a+CN=b+CN=b'],
    ['CN=a+OU=b', 'CN=a,OU=b'],
    ['CN=x', 'SN=x'],
    ['CN=x', 'fooBar=x'],
    ['CN=\\#0C0178', 'CN=#0C0178'],
    ['CN=e\\CC\\81', 'CN=\\C3\\A9'],
    ['CN=x', ''],
  ];
  for (const [a, b] of EQUAL) {
    test(`${a} equals ${b}`, () => {
      assert.equal(dnEquals(parseDN(a), parseDN(b)), true);
      assert.equal(dnEquals(parseDN(b), parseDN(a)), true);
    });
  }
  for (const [a, b] of DIFFERENT) {
    test(`${a} differs from ${b}`, () => {
      assert.equal(dnEquals(parseDN(a), parseDN(b)), false);
      assert.equal(dnEquals(parseDN(b), parseDN(a)), false);
    });
  }
});

describe('nameFromDer', () => {
  const read = (der: Uint8Array) => nameFromDer(der, readTlv(der, 0));

  test('order: RDNs reversed, members of a multi-valued RDN reversed too (as OpenSSL prints them)', () => {
    const der = derName([[[C, derString(0x13, 'US')]], [[O, derString(0x0c, 'o')], [CN, derString(0x0c, 'a')], [OU, derString(0x0c, 'u')]]]);
    assert.deepEqual(attrs(read(der)), [[['OU', OU, 'u'], ['CN', CN, 'a'], ['O', O, 'o']], [['C', C, 'US']]]);
  });

  test('string types decoded, others and unknown OIDs as #hex of the whole element', () => {
    const der = derName([
      [[CN, derString(0x1e, '日本')]], [[CN, derString(0x1c, '😀')]], [[CN, derString(0x14, 'caf\u00e9')]],
      [[CN, derTlv(0x03, [0, 0xab])]], [['1.2.3.4', derString(0x0c, 'x')]], [[CN, derString(0x0c, '')]],
    ]);
    assert.deepEqual(attrs(read(der)), [
      [['CN', CN, '']], [['1.2.3.4', '1.2.3.4', '#0C0178', true]], [['CN', CN, '#030200AB', true]],
      [['CN', CN, 'café']], [['CN', CN, '😀']], [['CN', CN, '日本']],
    ]);
  });

  test('an empty Name is the empty DN', () => {
    assert.equal(read(derTlv(0x30, [])).rdns.length, 0);
  });

  const INVALID: ReadonlyArray<readonly [string, Uint8Array]> = [
    ['not a SEQUENCE', derTlv(0x31, [])],
    ['an empty RDN', derTlv(0x30, derTlv(0x31, []))],
    ['an RDN that is no SET', derTlv(0x30, derTlv(0x30, []))],
    ['an attribute that is no SEQUENCE', derTlv(0x30, derTlv(0x31, derTlv(0x31, [])))],
    ['a type that is no OID', derTlv(0x30, derTlv(0x31, derTlv(0x30, [...derTlv(0x0c, [0x41]), ...derTlv(0x0c, [0x41])])))],
    ['a missing value', derTlv(0x30, derTlv(0x31, derTlv(0x30, derTlv(0x06, [0x55, 0x04, 0x03]))))],
    ['an extra element', derTlv(0x30, derTlv(0x31, derTlv(0x30, [...derTlv(0x06, [0x55, 0x04, 0x03]), ...derTlv(0x0c, [0x41]), ...derTlv(0x0c, [0x41])])))],
    ['invalid UTF-8', derName([[[CN, derTlv(0x0c, [0xc3])]]])],
    ['a truncated element', derTlv(0x30, [0x31, 0x05, 0x30])],
  ];
  for (const [title, der] of INVALID) {
    test(`DerError for ${title}`, () => assert.throws(() => read(der), DerError));
  }
});

describe('OpenSSL object names', () => {
  test('attributeByName: short and long names, any case, dotted OIDs', () => {
    assert.deepEqual(attributeByName('SN'), { oid: '2.5.4.4', type: 'SN' });
    assert.deepEqual(attributeByName('surname'), { oid: '2.5.4.4', type: 'SN' });
    assert.deepEqual(attributeByName('serialnumber'), { oid: '2.5.4.5', type: 'serialNumber' });
    assert.deepEqual(attributeByName('GN'), { oid: '2.5.4.42', type: 'GN' });
    assert.deepEqual(attributeByName('ORGANIZATIONIDENTIFIER'), { oid: '2.5.4.97', type: 'organizationIdentifier' });
    assert.deepEqual(attributeByName('emailAddress'), { oid: '1.2.840.113549.1.9.1', type: 'emailAddress' });
    assert.deepEqual(attributeByName('domainComponent'), { oid: '0.9.2342.19200300.100.1.25', type: 'DC' });
    assert.deepEqual(attributeByName('streetAddress'), { oid: '2.5.4.9', type: 'street' });
    assert.deepEqual(attributeByName('2.5.4.3'), { oid: '2.5.4.3', type: 'CN' });
    assert.deepEqual(attributeByName('oid.2.5.4.3'), { oid: '2.5.4.3', type: 'CN' });
    assert.deepEqual(attributeByName('1.2.3.4'), { oid: '1.2.3.4', type: undefined });
    assert.deepEqual(attributeByName('identified-organization'), { oid: '1.3', type: 'ORG' });
    for (const bad of ['nonsense', '', '1', '01.2', '1..2', '1.2.', 'OID.']) assert.equal(attributeByName(bad), undefined, bad);
  });

  test('displayName: OpenSSL display name, else the dotted OID', () => {
    assert.equal(displayName('2.5.4.3'), 'CN');
    assert.equal(displayName('2.5.4.97'), 'organizationIdentifier');
    assert.equal(displayName('1.2.840.113549.1.9.1'), 'emailAddress');
    assert.equal(displayName('1.2.3.4'), '1.2.3.4');
  });
});
