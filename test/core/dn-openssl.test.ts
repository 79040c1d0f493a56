/**
 * parseDN, the formatter and nameFromDer against OpenSSL itself: certificates made by `openssl req` at test
 * time (some with hand-built names spliced in), their names printed by `openssl x509 -nameopt RFC2253` and
 * read independently with pkijs/asn1js.
 */
import assert from 'node:assert/strict';
import { OID_TABLE } from '../../src/core/der/oid-table.js';
import { describe, test } from 'node:test';
import { children, readTlv, type Tlv } from '../../src/core/der/der.js';
import { nameFromDer } from '../../src/core/dn/dn-der.js';
import { dnEquals, parseDN } from '../../src/core/dn/dn.js';
import { attributeByName, displayName } from '../../src/core/der/oid-names.js';
import { derName, derString, derTlv, makeCert, type CertSpec, type DerAttribute, type MadeCert } from '../helpers/dn-certs.js';
import { plainRdns, referenceNames } from '../helpers/dn-reference.js';
import { skipWithoutOpenssl, tempDir } from '../helpers/pki/openssl.js';

const skip = skipWithoutOpenssl();

/** `-subj` syntax for RDNs in DER order (least specific first); `\`, `/` and `+` escaped as openssl req wants. */
function subj(...rdns: ReadonlyArray<ReadonlyArray<readonly [string, string]>>): string {
  const escape = (value: string): string => value.replace(/[\\/+]/g, (ch) => '\\' + ch);
  return rdns.map((rdn) => '/' + rdn.map(([type, value]) => `${type}=${escape(value)}`).join('+')).join('');
}
const one = (type: string, value: string): Array<readonly [string, string]> => [[type, value]];

const CN = '2.5.4.3';
const O = '2.5.4.10';
const OU = '2.5.4.11';
const utf8 = (text: string): Uint8Array => derString(0x0c, text);
const printable = (text: string): Uint8Array => derString(0x13, text);
const splice = (...rdns: ReadonlyArray<ReadonlyArray<DerAttribute>>): CertSpec => ({ splice: derName(rdns) });

const kilobyteOus = Array.from({ length: 22 }, (_, i) => one('OU', `Department number ${i}, Example Organisation`));

const CASES: ReadonlyArray<readonly [string, CertSpec]> = [
  ['ALB example', { subj: subj(one('C', 'US'), one('ST', 'Washington'), one('O', 'mTLS'), one('OU', 'client-3'), one('CN', 'client_.com')) }],
  ['clientA capture', { subj: subj(one('C', 'JP'), one('ST', 'Osaka'), one('L', 'Default City'), one('O', 'example.org'), one('OU', 'example.org.unit'), one('CN', 'clientA')) }],
  ['Japanese', { subj: subj(one('C', 'JP'), one('O', '株式会社テスト'), one('CN', '山田 太郎')) }],
  ['emoji', { subj: subj(one('O', 'Rocket 🚀 Labs'), one('CN', '😀 smile 😀')) }],
  ['accented Latin', { subj: subj(one('L', 'Zürich'), one('O', 'Société Générale'), one('CN', 'Ñandú Müller-Lüdenscheidt')) }],
  ['multiple OUs', { subj: subj(one('O', 'Org'), one('OU', 'a'), one('OU', 'b'), one('OU', 'c'), one('CN', 'x')) }],
  ['multi-valued RDN', { subj: subj(one('C', 'US'), [['O', 'Sue, Grabbit'], ['OU', 'Ops']], one('CN', 'x')) }],
  ['multi-valued, three members, UTF-8', { subj: subj([['CN', 'b'], ['CN', 'ä'], ['UID', 'c+d']], one('DC', 'com')) }],
  ['every special character', { subj: subj(one('CN', 'a,b+c"d\\e<f>g;h=i#j/k')) }],
  ['specials leading each value', { subj: subj(...[...',+"\\<>;=#'].map((ch) => one('OU', ch + 'x'))) }],
  ['specials as whole values', { subj: subj(...[...',+"\\<>;=#'].map((ch) => one('OU', ch))) }],
  ['leading and trailing spaces', { subj: subj(one('O', '  lead'), one('OU', 'trail  '), one('CN', ' both ')) }],
  ['values of only spaces', { subj: subj(one('O', ' '), one('OU', '  '), one('CN', '   ')) }],
  ['leading #', { subj: subj(one('O', '#hash'), one('OU', '##'), one('L', '# '), one('CN', '#')) }],
  ['emailAddress, DC, UID', { subj: subj(one('DC', 'com'), one('DC', 'example'), one('UID', 'jdoe'), one('emailAddress', 'j.doe+tag@example.com')) }],
  ['serialNumber, SN, GN', { subj: subj(one('serialNumber', 'PNOEE-1'), one('SN', 'Doe'), one('GN', 'Jane'), one('CN', 'Doe, Jane')) }],
  ['organizationIdentifier, street, title', { subj: subj(one('organizationIdentifier', 'NTREE-1'), one('street', '1 Main St'), one('title', 'Dr.')) }],
  ['long names in -subj', { subj: subj(one('countryName', 'US'), one('organizationName', 'x'), one('commonName', 'y')) }],
  ['control characters', { subj: subj(one('O', 'tab\there'), one('OU', 'del\u007fx'), one('CN', 'one\u0001two\u001f')) }],
  ['backslashes', { subj: subj(one('O', '\\'), one('OU', 'end\\'), one('CN', '\\\\start')) }],
  ['1 KB DN', { subj: subj(one('C', 'US'), ...kilobyteOus, one('CN', 'kilobyte')) }],
  ['empty subject', { subj: '/' }],
  ['BMPString and T61String (string_mask default)', { subj: subj(one('O', 'café'), one('CN', '日本 and café')), reqConfig: 'string_mask = default' }],
  ['BMPString everywhere (MASK:0x800)', { subj: subj(one('C', 'DE'), one('O', 'Straße'), one('CN', 'x')), reqConfig: 'string_mask = MASK:0x800' }],
  ['pkix string mask', { subj: subj(one('O', 'Ärzte'), one('CN', 'plain')), reqConfig: 'string_mask = pkix' }],
  ['unknown OIDs', splice([[CN, utf8('known')]], [['1.2.3.4', utf8('x')]], [['2.999.1', printable('p')]], [['1.3.6.1.4.1.99999.7', derString(0x1e, '日本')]], [['2.25.329800735698586629295641978511506172918', utf8('uuid')]])],
  ['UniversalString', splice([[O, derString(0x1c, 'univ 😀')]], [[CN, derString(0x1c, 'ü')]])],
  ['non-string values', splice([[CN, derTlv(0x03, [0, 0xab])]], [[OU, derTlv(0x30, [0x02, 0x01, 0x05])]], [[O, derTlv(0x07, [0x41])]])],
  ['empty values', splice([[O, printable('')]], [[CN, utf8('')]])],
  ['unsorted multi-valued RDN', splice([[O, utf8('org')]], [[OU, utf8('z')], [CN, utf8('a')], ['2.5.4.6', printable('US')], [OU, utf8('b')]])],
  ['T61String with high bytes, IA5String, NumericString', splice([[CN, derString(0x14, 'caf\u00e9 \u00ff')]], [[OU, derString(0x16, 'ia5')]], [['2.5.4.5', derString(0x12, '123 45')]])],
  ['UTF-8 with C0, C1 and noncharacters', splice([[CN, utf8('a\u0000b\u007fc\u0085d\ufffe')]])],
  ['OID with two OpenSSL names (1.3)', splice([['1.3', utf8('dup')]], [[CN, utf8('x')]])],
];

/** The Name element of a certificate: `field` 2 is the issuer, 4 the subject (after the optional version). */
function nameTlv(der: Uint8Array, field: 2 | 4): Tlv {
  const tbs = children(der, readTlv(der, 0))[0]!;
  const fields = children(der, tbs);
  return fields[(fields[0]!.tag === 0xa0 ? 1 : 0) + field]!;
}

/** The three checks of one printed name against the certificate it came from. */
function checkName(cert: MadeCert, which: 'subject' | 'issuer'): void {
  const printed = cert[which];
  const parsed = parseDN(printed);
  assert.equal(parsed.toString(), printed, 'parseDN(s).toString() reproduces openssl');
  assert.deepEqual(plainRdns(parsed), referenceNames(cert.der)[which], 'parseDN(s) matches pkijs/asn1js');
  const fromDer = nameFromDer(cert.der, nameTlv(cert.der, which === 'subject' ? 4 : 2));
  assert.ok(dnEquals(fromDer, parsed), 'nameFromDer equals the parsed header');
  assert.equal(fromDer.toString(), printed, 'nameFromDer prints like openssl');
}

describe('DN strings against OpenSSL', { skip }, () => {
  const dir = skip === false ? tempDir('dn-openssl-') : '';

  CASES.forEach(([title, spec], i) => {
    test(title, () => {
      const cert = makeCert(dir, `case${i}`, spec);
      checkName(cert, 'subject');
      checkName(cert, 'issuer');
    });
  });

  test('CA-signed leaves: issuer differs from subject', () => {
    makeCert(dir, 'esteid', { subj: subj(one('C', 'EE'), one('O', 'SK ID Solutions AS'), one('organizationIdentifier', 'NTREE-10747013'), one('CN', 'ESTEID2018')) });
    const leaf = makeCert(dir, 'estonian', {
      subj: subj(one('C', 'EE'), one('CN', 'MÄNNIK,MARILIIS,47101010033'), one('SN', 'MÄNNIK'), one('GN', 'MARILIIS'), one('serialNumber', 'PNOEE-47101010033')),
      ca: 'esteid',
    });
    assert.equal(leaf.subject, 'serialNumber=PNOEE-47101010033,GN=MARILIIS,SN=M\\C3\\84NNIK,CN=M\\C3\\84NNIK\\,MARILIIS\\,47101010033,C=EE');
    assert.equal(leaf.issuer, 'CN=ESTEID2018,organizationIdentifier=NTREE-10747013,O=SK ID Solutions AS,C=EE');
    checkName(leaf, 'subject');
    checkName(leaf, 'issuer');
    makeCert(dir, 'jca', { subj: subj(one('O', '認証局'), [['CN', 'ルート CA'], ['OU', ' x ']]) });
    const jleaf = makeCert(dir, 'jleaf', { subj: subj(one('CN', 'leaf')), ca: 'jca' });
    checkName(jleaf, 'issuer');
  });

  test('a trailing space stripped by HTTP is recovered', () => {
    const cert = makeCert(dir, 'trail', { subj: subj(one('O', 'trail '), one('CN', 'x')) });
    assert.ok(cert.subject.endsWith('\\ '), 'openssl escapes the trailing space');
    const stripped = cert.subject.trimEnd();
    const recovered = parseDN(stripped, { recoverTrailingSpace: true });
    assert.equal(recovered.toString(), cert.subject);
    assert.ok(dnEquals(recovered, nameFromDer(cert.der, nameTlv(cert.der, 4))), 'the recovered DN matches the certificate');
  });

  test('every OpenSSL object name: displayName and attributeByName agree with openssl', () => {
    const oids = [...new Set(allTableOids())].filter((oid) => oid.includes('.'));
    assert.ok(oids.length > 1000, 'the generated table covers OpenSSL');
    const cert = makeCert(dir, 'all-oids', splice(...oids.map((oid): DerAttribute[] => [[oid, printable('v')]])));
    const printedTypes = cert.subject.split(',').map((pair) => pair.slice(0, pair.indexOf('=')));
    assert.deepEqual(printedTypes, oids.map(displayName).reverse());
    for (const oid of oids) assert.equal(attributeByName(displayName(oid))?.oid, oid, `name of ${oid} resolves back`);
    checkName(cert, 'subject');
  });
});

/** Every OID in the generated table, first line per OID (read from its source: the table is not exported). */
function allTableOids(): string[] {
  return OID_TABLE.split(/[;\n]/).map((row) => row.slice(0, row.indexOf('|')));
}
