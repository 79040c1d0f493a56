/**
 * Certificates made with the openssl CLI at test time, and the ALB verify-mode headers for them built
 * from openssl's own output (not from our code), so our decoder is compared with the reference.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openssl } from './openssl.js';

/** A CA made by {@link makeCa}. */
export interface TestCa {
  readonly dir: string;
  readonly certPath: string;
  readonly keyPath: string;
  readonly pem: string;
}

/** A certificate issued by {@link issueCert}. */
export interface TestCert {
  readonly path: string;
  readonly pem: string;
}

let counter = 0;

/** A self-signed CA (EC P-256) with the given subject (openssl `-subj` syntax). */
export function makeCa(dir: string, subj = '/O=express-alb-mtls tests/CN=Test Root CA'): TestCa {
  const id = `ca${++counter}`;
  const certPath = join(dir, `${id}.pem`);
  const keyPath = join(dir, `${id}.key`);
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', keyPath,
    '-out', certPath, '-days', '3650', '-subj', subj, '-utf8',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  writeFileSync(join(dir, `${id}.index`), '');
  writeFileSync(join(dir, `${id}.cnf`), caConfig(dir, id, certPath, keyPath));
  return { dir, certPath, keyPath, pem: readFileSync(certPath, 'utf8') };
}

function caConfig(dir: string, id: string, certPath: string, keyPath: string): string {
  return `[ca]
default_ca = test_ca
[test_ca]
dir = ${dir}
database = ${join(dir, `${id}.index`)}
new_certs_dir = ${dir}
certificate = ${certPath}
private_key = ${keyPath}
default_md = sha256
policy = anything
unique_subject = no
rand_serial = yes
email_in_dn = yes
preserve = yes
utf8 = yes
string_mask = utf8only
copy_extensions = none
[anything]
commonName = optional
organizationalUnitName = optional
organizationName = optional
countryName = optional
[client_ext]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = clientAuth
subjectAltName = \${ENV::TEST_SAN}
`;
}

/** Options of {@link issueCert}. */
export interface IssueOptions {
  /** Subject in openssl `-subj` syntax (`/CN=a/OU=b`). */
  readonly subj: string;
  /** `-multivalue-rdn`: `+` inside a field joins attributes into one RDN. */
  readonly multivalue?: boolean;
  /** `YYYYMMDDHHMMSSZ` start; default: now. */
  readonly start?: string;
  /** `YYYYMMDDHHMMSSZ` end; default: a year from now. */
  readonly end?: string;
  /** subjectAltName value, e.g. `DNS:a.example,IP:10.0.0.1`. */
  readonly san?: string;
}

/**
 * Issues a client certificate (EC P-256, clientAuth) from `ca`: `openssl x509 -req` (subject kept exactly
 * as requested), or `openssl ca` when custom dates are needed (its policy keeps only CN, OU, O and C).
 */
export function issueCert(ca: TestCa, options: IssueOptions): TestCert {
  const id = `leaf${++counter}`;
  const keyPath = join(ca.dir, `${id}.key`);
  const csrPath = join(ca.dir, `${id}.csr`);
  const extPath = join(ca.dir, `${id}.ext`);
  const path = join(ca.dir, `${id}.pem`);
  const multivalue = options.multivalue ? ['-multivalue-rdn'] : [];
  openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', keyPath,
    '-out', csrPath, '-subj', options.subj, '-utf8', ...multivalue]);
  const san = options.san ?? 'DNS:client.example';
  if (options.start || options.end) {
    const cnf = ca.certPath.replace(/\.pem$/, '.cnf');
    process.env.TEST_SAN = san;
    openssl(['ca', '-batch', '-notext', '-config', cnf, '-extensions', 'client_ext', '-in', csrPath, '-out', path,
      '-startdate', options.start ?? '20240101000000Z', '-enddate', options.end ?? '20991231235959Z']);
  } else {
    writeFileSync(extPath, `basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\nsubjectAltName=${san}\n`);
    openssl(['x509', '-req', '-in', csrPath, '-CA', ca.certPath, '-CAkey', ca.keyPath, '-CAcreateserial', '-out', path,
      '-days', '365', '-sha256', '-extfile', extPath]);
  }
  return { path, pem: readFileSync(path, 'utf8') };
}

function field(certPath: string, flag: string): string {
  const out = openssl(['x509', '-in', certPath, '-noout', flag, '-nameopt', 'RFC2253']).trim();
  return out.slice(out.indexOf('=') + 1).trimStart();
}

/** `Sep 21 22:43:21 2023 GMT` (openssl -startdate) -> `2023-09-21T22:43:21Z`. */
export function isoFromOpensslDate(text: string): string {
  const date = new Date(text.replace(/ GMT$/, ' UTC'));
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** URL-encodes a PEM the way ALB does: percent-encoding with `+`, `=` and `/` left as they are. */
export function albEncodePem(pem: string): string {
  return encodeURIComponent(pem).replace(/%2B/g, '+').replace(/%3D/g, '=').replace(/%2F/g, '/');
}

/** The five ALB verify-mode headers for a certificate file, from openssl's output. */
export function opensslAlbHeaders(certPath: string): Record<string, string> {
  const notBefore = isoFromOpensslDate(field(certPath, '-startdate'));
  const notAfter = isoFromOpensslDate(field(certPath, '-enddate'));
  return {
    'x-amzn-mtls-clientcert-subject': field(certPath, '-subject'),
    'x-amzn-mtls-clientcert-issuer': field(certPath, '-issuer'),
    'x-amzn-mtls-clientcert-serial-number': field(certPath, '-serial'),
    'x-amzn-mtls-clientcert-validity': `NotBefore=${notBefore};NotAfter=${notAfter}`,
    'x-amzn-mtls-clientcert-leaf': albEncodePem(readFileSync(certPath, 'utf8')),
  };
}
