/**
 * The DN corpus: client certificates made by the openssl CLI with awkward subjects and issuers (UTF-8,
 * BMPString, T61String, multi-valued RDNs, every RFC 2253 special, leading/trailing/escaped spaces, control
 * characters, unknown OIDs, an empty subject, odd serials and far dates), each with what OpenSSL itself
 * prints for it. The expectations come from `openssl x509 -nameopt RFC2253`, never from our code.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openssl } from './pki/openssl.js';

/** What `openssl x509 -noout -subject -issuer -serial -startdate -enddate -nameopt RFC2253` printed. */
export interface OpensslFields {
  readonly subject: string;
  readonly issuer: string;
  readonly serial: string;
  /** `YYYY-MM-DDThh:mm:ssZ`, from `-dateopt iso_8601`. */
  readonly notBefore: string;
  readonly notAfter: string;
}

/** One corpus certificate. */
export interface CorpusEntry {
  readonly name: string;
  readonly certPath: string;
  readonly keyPath: string;
  readonly pem: string;
  readonly der: Uint8Array;
  readonly expected: OpensslFields;
}

/** The corpus: its CAs (a trust store for nginx) and the client certificates. */
export interface DnCorpus {
  readonly caPaths: readonly string[];
  /** Both CA certificates, PEM, concatenated. */
  readonly trustStorePem: string;
  readonly entries: readonly CorpusEntry[];
}

interface Spec {
  readonly name: string;
  readonly subj: string;
  readonly ca?: 'plain' | 'odd';
  readonly serial?: string;
  readonly days?: number;
  /** OpenSSL `string_mask`: `utf8only` (default), `default` (BMPString), `nombstr` (T61String). */
  readonly mask?: 'utf8only' | 'default' | 'nombstr';
  readonly multi?: boolean;
}

const SPECS: readonly Spec[] = [
  { name: 'aws-doc-example', subj: '/C=US/ST=Washington/O=mTLS/OU=client-3/CN=client_.com', serial: '0x03A5B1' },
  { name: 'alb-capture-jp', subj: '/C=JP/ST=Osaka/L=Default City/O=example.org/OU=example.org.unit/CN=clientA',
    serial: '0x6DD0CF55AA5313FCC73D477D553C34174808B8BE' },
  { name: 'estonian-id-utf8', subj: '/C=EE/CN=MÄNNIK,MARILIIS,47101010033/SN=MÄNNIK/GN=MARILIIS/serialNumber=PNOEE-47101010033',
    serial: '0x12DB3F24BFFD390A5CAF1A8F2712DFB4', ca: 'odd' },
  { name: 'multi-valued-rdn', subj: '/C=US/O=Sue, Grabbit+OU=Ops/CN=clientA', multi: true },
  { name: 'multi-valued-three', subj: '/DC=com/DC=example/CN=alice+UID=alice01+emailAddress=alice@example.com', multi: true },
  { name: 'rfc2253-specials', subj: '/O=a,b/OU=c\\+d/CN=q"u\\\\o<t>e;s=x=y' },
  { name: 'leading-hash-and-spaces', subj: '/CN=#hash/OU= lead/O=trail /L=  both  /ST=in  side' },
  { name: 'trailing-space-in-cn', subj: '/O=Example/CN=clientA ', ca: 'odd' },
  // The last RDN of the string ends in an escaped space: HTTP strips the space and leaves a lone backslash.
  { name: 'trailing-space-at-end', subj: '/O=Example Corp /CN=clientA' },
  { name: 'control-characters', subj: '/O=tab\there/CN=bell\x07and\x7fdel' },
  { name: 'utf8-emoji-cjk', subj: '/C=CH/L=Zürich 🙂/O=日本語/CN=Ærøskøbing' },
  { name: 'bmpstring', subj: '/O=日本語/CN=Élodie', mask: 'default' },
  { name: 't61string', subj: '/O=Ñandú S.A./CN=Élodie', mask: 'nombstr' },
  { name: 'unknown-oid-hex-dump', subj: '/O=Example/myAttr=foo bar/CN=clientA' },
  { name: 'long-and-rare-names', subj: '/jurisdictionC=EE/businessCategory=Private Organization/street=1 Main St/postalCode=10115/title=Dr./pseudonym=x/2.5.4.97=NTREE-10747013/CN=rare' },
  { name: 'several-cn-and-ou', subj: '/OU=a/OU=b/CN=one/CN=two', serial: '1' },
  { name: 'high-bit-serial', subj: '/CN=highbit', serial: '0x80FF00000000000000000000000000000000ABCD' },
  { name: 'generalized-time-not-after', subj: '/CN=far future', days: 36500 },
  { name: 'empty-subject', subj: '/' },
];

/** The left-most CN of each corpus subject, written by hand (not computed by anything under test). */
export const EXPECTED_CN: Readonly<Record<string, string | undefined>> = {
  'aws-doc-example': 'client_.com', 'alb-capture-jp': 'clientA', 'estonian-id-utf8': 'MÄNNIK,MARILIIS,47101010033',
  'multi-valued-rdn': 'clientA', 'multi-valued-three': 'alice', 'rfc2253-specials': 'q"u\\o<t>e;s=x=y',
  'leading-hash-and-spaces': '#hash', 'trailing-space-in-cn': 'clientA ', 'trailing-space-at-end': 'clientA',
  'control-characters': 'bell\x07and\x7fdel', 'utf8-emoji-cjk': 'Ærøskøbing', bmpstring: 'Élodie', t61string: 'Élodie',
  'unknown-oid-hex-dump': 'clientA', 'long-and-rare-names': 'rare', 'several-cn-and-ou': 'two', 'high-bit-serial': 'highbit',
  'generalized-time-not-after': 'far future', 'empty-subject': undefined,
};

function writeConfig(dir: string, mask: string): string {
  const path = join(dir, `req-${mask}.cnf`);
  // myAttr is known to req only: x509 (and nginx) print it as a dotted OID with a hex dump.
  writeFileSync(path, `oid_section = new_oids\n[new_oids]\nmyAttr = 1.2.3.4.5\n[req]\ndistinguished_name = dn\n` +
    `string_mask = ${mask}\n[dn]\n[client]\nbasicConstraints = CA:FALSE\nkeyUsage = critical,digitalSignature\n` +
    `extendedKeyUsage = clientAuth\n[ca]\nbasicConstraints = critical,CA:TRUE\nkeyUsage = critical,keyCertSign,cRLSign\n` +
    `subjectKeyIdentifier = hash\n`);
  return path;
}

function makeCa(dir: string, name: string, subj: string, key: string, config: string): string {
  const path = join(dir, `${name}.pem`);
  openssl(['req', '-config', config, '-x509', '-new', '-key', key, '-utf8', '-multivalue-rdn', '-subj', subj,
    '-days', '3650', '-extensions', 'ca', '-set_serial', '0x1001', '-out', path]);
  return path;
}

function newKey(dir: string, name: string): string {
  const path = join(dir, `${name}.pem`);
  openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', path]);
  return path;
}

/** Parses `openssl x509 -noout ...` output lines (control characters are escaped, so lines are safe). */
export function readOpensslFields(certPath: string): OpensslFields {
  const out = openssl(['x509', '-in', certPath, '-noout', '-subject', '-issuer', '-serial', '-startdate', '-enddate',
    '-nameopt', 'RFC2253', '-dateopt', 'iso_8601']);
  const field = (prefix: string): string => {
    const line = out.split('\n').find((l) => l.startsWith(prefix + '='));
    if (line === undefined) throw new Error(`openssl printed no ${prefix}`);
    return line.slice(prefix.length + 1);
  };
  const date = (prefix: string): string => field(prefix).replace(' ', 'T');
  return { subject: field('subject'), issuer: field('issuer'), serial: field('serial'),
    notBefore: date('notBefore'), notAfter: date('notAfter') };
}

/** Builds the corpus in `dir` with the openssl CLI (about a second). */
export function buildDnCorpus(dir: string): DnCorpus {
  const configs = new Map(['utf8only', 'default', 'nombstr'].map((m) => [m, writeConfig(dir, m)]));
  const [key, plainKey, oddKey] = ['key', 'ca-plain-key', 'ca-odd-key'].map((name) => newKey(dir, name)) as
    [string, string, string];
  const cas = {
    plain: makeCa(dir, 'ca-plain', '/C=US/O=Corpus Test/CN=Corpus Root CA', plainKey, configs.get('utf8only')!),
    odd: makeCa(dir, 'ca-odd', '/C=FR/O=Société Générale+OU=PKI/CN=Ünïcødé\\, CA #1 ', oddKey, configs.get('utf8only')!),
  };
  const caKeys = { plain: plainKey, odd: oddKey };
  const entries = SPECS.map((spec, i) => {
    const config = configs.get(spec.mask ?? 'utf8only')!;
    const csr = join(dir, `${i}.csr`);
    const certPath = join(dir, `${i}-${spec.name}.pem`);
    openssl(['req', '-config', config, '-new', '-key', key, '-utf8', ...(spec.multi ? ['-multivalue-rdn'] : []),
      '-subj', spec.subj, '-out', csr]);
    openssl(['x509', '-req', '-in', csr, '-CA', cas[spec.ca ?? 'plain'], '-CAkey', caKeys[spec.ca ?? 'plain'],
      '-set_serial', spec.serial ?? `0x${(0x5000 + i).toString(16)}`, '-days', String(spec.days ?? 30),
      '-extfile', config, '-extensions', 'client', '-out', certPath]);
    const pem = readFileSync(certPath, 'latin1');
    const der = new Uint8Array(new X509Certificate(pem).raw);
    return { name: spec.name, certPath, keyPath: key, pem, der, expected: readOpensslFields(certPath) };
  });
  const caPaths = [cas.plain, cas.odd];
  return { caPaths, entries, trustStorePem: caPaths.map((p) => readFileSync(p, 'latin1')).join('') };
}
