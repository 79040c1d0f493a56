/**
 * Test PKIs made with the openssl CLI (`openssl ca`, so validity dates can be set exactly), and the
 * reference verdict of `openssl verify -purpose sslclient -x509_strict`.
 */
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openssl, opensslStatus } from './openssl.js';
import { EXTENSIONS } from './openssl-extensions.js';

/** Key algorithms the tests use. */
export type KeyAlg = 'rsa2048' | 'P-256' | 'P-384' | 'ed25519' | 'rsa1024';

const NEWKEY: Record<KeyAlg, string[]> = {
  rsa2048: ['-newkey', 'rsa:2048'],
  rsa1024: ['-newkey', 'rsa:1024'],
  'P-256': ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'],
  'P-384': ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-384'],
  ed25519: ['-newkey', 'ed25519'],
};

/** A certificate on disk. */
export interface Issued {
  readonly name: string;
  readonly pemPath: string;
  readonly keyPath: string;
  readonly pem: string;
}

/** Dates as `openssl ca` wants them. */
export function caDate(date: Date): string {
  return date.toISOString().slice(0, 19).replace(/[-:T]/g, '') + 'Z';
}

function caConfig(dir: string): string {
  return `[ ca ]\ndefault_ca = CA_default\n[ CA_default ]\ndir = ${dir}\ndatabase = $dir/index.txt\n` +
    'new_certs_dir = $dir/newcerts\nserial = $dir/serial\ncrlnumber = $dir/crlnumber\ndefault_md = default\n' +
    'policy = policy_any\nunique_subject = no\nemail_in_dn = no\ndefault_crl_days = 7\ncrl_extensions = crl_ext\n' +
    '[ policy_any ]\ncommonName = supplied\n[ crl_ext ]\nauthorityKeyIdentifier=keyid:always\n' +
    '[ req ]\ndistinguished_name = dn\nprompt = no\n[ dn ]\nCN = unused\n';
}

/** A folder of CAs, each with its own `openssl ca` database (so each CRL lists its own revocations). */
export class Pki {
  readonly #dir: string;
  readonly #ext: string;
  #n = 0;

  constructor(dir: string) {
    this.#dir = dir;
    this.#ext = join(dir, 'ext.cnf');
    writeFileSync(this.#ext, EXTENSIONS);
  }

  /** Path of a file in the folder. */
  path(file: string): string {
    return join(this.#dir, file);
  }

  #database(name: string): string {
    const db = join(this.#dir, `${name}.db`);
    mkdirSync(join(db, 'newcerts'), { recursive: true });
    writeFileSync(join(db, 'index.txt'), '');
    writeFileSync(join(db, 'serial'), `${(1000 + this.#n++).toString(16).padStart(4, '0')}\n`);
    writeFileSync(join(db, 'crlnumber'), '01\n');
    writeFileSync(join(db, 'ca.cnf'), caConfig(db));
    return db;
  }

  /**
   * Issues `name` with a new key (CN = `options.cn`, default `name`). Without `issuer`, self-signed.
   * Dates default to 2020..2040. `md: 'sha1'` signs with SHA-1 (RSA issuers).
   */
  issue(name: string, options: { issuer?: Issued; ext: string; alg?: KeyAlg; from?: Date; to?: Date; md?: string; cn?: string }): Issued {
    const keyPath = this.path(`${name}.key`);
    const pemPath = this.path(`${name}.pem`);
    const db = this.#database(name);
    const csr = this.path(`${name}.csr`);
    openssl(['req', '-new', ...NEWKEY[options.alg ?? 'P-256'], '-nodes', '-keyout', keyPath, '-subj', `/CN=${options.cn ?? name}`,
      '-out', csr, '-config', join(db, 'ca.cnf')]);
    const signer = options.issuer
      ? ['-config', join(this.#dir, `${options.issuer.name}.db`, 'ca.cnf'), '-cert', options.issuer.pemPath, '-keyfile', options.issuer.keyPath]
      : ['-config', join(db, 'ca.cnf'), '-selfsign', '-keyfile', keyPath];
    openssl(['ca', '-batch', '-notext', ...signer, '-in', csr, '-out', pemPath, '-extfile', this.#ext, '-extensions', options.ext,
      '-startdate', caDate(options.from ?? new Date('2020-01-01T00:00:00Z')),
      '-enddate', caDate(options.to ?? new Date('2040-01-01T00:00:00Z')), '-md', options.md ?? 'default']);
    return { name, pemPath, keyPath, pem: readFileSync(pemPath, 'utf8') };
  }

  /**
   * Revokes `revoke` in the issuer's database and writes the issuer's CRL; returns the CRL path. `idp`: the
   * lines of a critical issuingDistributionPoint (`onlysomereasons=keyCompromise`, `indirectCRL=TRUE`, ...).
   */
  crl(issuer: Issued, revoke: Issued[], name = `${issuer.name}-crl`, idp?: readonly string[]): string {
    const config = join(this.#dir, `${issuer.name}.db`, 'ca.cnf');
    const signer = ['-config', config, '-cert', issuer.pemPath, '-keyfile', issuer.keyPath, '-md', 'default'];
    for (const cert of revoke) openssl(['ca', ...signer, '-revoke', cert.pemPath, '-crl_reason', 'keyCompromise']);
    const sections: string[] = [];
    if (idp) {
      const section = name.replace(/\W/g, '_');
      appendFileSync(config, `[ crl_${section} ]\nauthorityKeyIdentifier=keyid:always\n` +
        `issuingDistributionPoint=critical,@idp_${section}\n[ idp_${section} ]\n${idp.join('\n')}\n`);
      sections.push('-crlexts', `crl_${section}`);
    }
    const out = this.path(`${name}.pem`);
    openssl(['ca', ...signer, '-gencrl', ...sections, '-crldays', '3650', '-out', out]);
    return out;
  }

  /** Writes `text` to `file` in the folder and returns its path. */
  write(file: string, text: string): string {
    const p = this.path(file);
    writeFileSync(p, text);
    return p;
  }
}

/** Flags of `openssl verify` beyond what {@link opensslVerdict} always passes. */
export interface VerifyFlags {
  /** `-x509_strict` (default `true`). */
  readonly strict?: boolean;
  /** With CRLs: `-crl_check_all` (every certificate of the chain) instead of `-crl_check` (the leaf only). */
  readonly crlCheckAll?: boolean;
  /** `-partial_chain`: a trusted certificate that is not self-signed may end the chain. */
  readonly partialChain?: boolean;
}

/** The verdict of `openssl verify -purpose sslclient -x509_strict` at `attime` (epoch seconds). */
export function opensslVerdict(options: { caFile: string; untrusted?: string; crlFile?: string; leaf: string; attime: number }
  & VerifyFlags): { ok: boolean; output: string } {
  const args = ['verify', '-purpose', 'sslclient', ...(options.strict === false ? [] : ['-x509_strict']),
    ...(options.partialChain ? ['-partial_chain'] : []), '-attime', String(options.attime), '-CAfile', options.caFile];
  if (options.untrusted) args.push('-untrusted', options.untrusted);
  if (options.crlFile) args.push(options.crlCheckAll ? '-crl_check_all' : '-crl_check', '-CRLfile', options.crlFile);
  const r = opensslStatus([...args, options.leaf]);
  return { ok: r.status === 0 && /: OK\s*$/.test(r.stdout), output: r.stdout + r.stderr };
}
