/**
 * Certificates for the DN tests, made by the openssl CLI at test time. Names that `openssl req` cannot write
 * (UniversalString, non-string values, unknown OIDs with other string types, empty values, unsorted
 * multi-valued RDNs) are spliced into an openssl-made certificate as hand-built DER and re-signed with its key.
 */
import { createPrivateKey, sign } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { children, readTlv } from '../../src/core/der/der.js';
import { openssl } from './pki/openssl.js';

/** A DER element: identifier octet, definite length, content. */
export function derTlv(tag: number, content: Uint8Array | number[]): Uint8Array {
  const body = Uint8Array.from(content);
  const n = body.length;
  const length = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : n < 0x10000 ? [0x82, n >> 8, n & 0xff] : [0x83, n >> 16, (n >> 8) & 0xff, n & 0xff];
  return Uint8Array.from([tag, ...length, ...body]);
}

/** The content octets of a dotted OID (at least two arcs). */
export function oidContent(dotted: string): number[] {
  const arcs = dotted.split('.').map(BigInt);
  const out: number[] = [];
  const first = arcs[0]! * 40n + arcs[1]!;
  for (const arc of [first, ...arcs.slice(2)]) {
    const bytes = [Number(arc & 0x7fn)];
    for (let rest = arc >> 7n; rest > 0n; rest >>= 7n) bytes.unshift(Number(rest & 0x7fn) | 0x80);
    out.push(...bytes);
  }
  return out;
}

/** One attribute in DER order: the OID and the complete value element. */
export type DerAttribute = readonly [oid: string, value: Uint8Array];

/** A DER Name from RDNs in DER order (least specific first), SET members kept in the order given. */
export function derName(rdns: ReadonlyArray<ReadonlyArray<DerAttribute>>): Uint8Array {
  const sets = rdns.map((rdn) => derTlv(0x31, concat(rdn.map(([oid, value]) => derTlv(0x30, concat([derTlv(0x06, oidContent(oid)), value]))))));
  return derTlv(0x30, concat(sets));
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  return Uint8Array.from(parts.flatMap((part) => [...part]));
}

/** A string value element: tag and the text in the encoding that tag implies. */
export function derString(tag: number, text: string): Uint8Array {
  if (tag === 0x0c) return derTlv(tag, [...Buffer.from(text, 'utf8')]);
  if (tag === 0x1e) return derTlv(tag, [...Buffer.from(text, 'utf16le').swap16()]);
  if (tag === 0x1c) return derTlv(tag, [...text].flatMap((ch) => { const c = ch.codePointAt(0)!; return [c >>> 24, (c >> 16) & 0xff, (c >> 8) & 0xff, c & 0xff]; }));
  return derTlv(tag, [...Buffer.from(text, 'latin1')]);
}

/** A made certificate: its DER and what `openssl x509 -nameopt RFC2253` prints for its names. */
export interface MadeCert {
  readonly der: Uint8Array;
  readonly subject: string;
  readonly issuer: string;
}

/** How to make one certificate. */
export interface CertSpec {
  /** `-subj` argument (already in openssl's `/type=value` syntax). Default `/CN=placeholder`. */
  readonly subj?: string;
  /** Extra `[req]` lines for a `-config` file, such as `string_mask = default`. */
  readonly reqConfig?: string;
  /** A DER Name spliced in as subject and issuer after openssl made the certificate. */
  readonly splice?: Uint8Array;
  /** Sign with this CA (its files in the same folder) instead of self-signing. */
  readonly ca?: string;
}

/** Reads what openssl prints for the names of the certificate `file` (DER), `subject=`/`issuer=` stripped. */
export function opensslNames(dir: string, file: string): { subject: string; issuer: string } {
  const out = openssl(['x509', '-inform', 'DER', '-in', file, '-noout', '-subject', '-issuer', '-nameopt', 'RFC2253'], { cwd: dir });
  const [subject, issuer] = out.split('\n');
  if (!subject?.startsWith('subject=') || !issuer?.startsWith('issuer=')) throw new Error('unexpected openssl output');
  return { subject: subject.slice('subject='.length), issuer: issuer.slice('issuer='.length) };
}

/** Makes the certificate `name` in `dir` with `openssl req -x509 -newkey ec` and reads its names back. */
export function makeCert(dir: string, name: string, spec: CertSpec): MadeCert {
  const config = join(dir, `${name}.cnf`);
  writeFileSync(config, `[req]\ndistinguished_name = dn\n${spec.reqConfig ?? ''}\n[dn]\n`);
  const args = ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1', '-utf8',
    '-config', config, '-subj', spec.subj ?? '/CN=placeholder', '-keyout', `${name}.key`, '-outform', 'DER', '-out', `${name}.der`];
  if (spec.ca !== undefined) args.push('-CA', `${spec.ca}.pem`, '-CAkey', `${spec.ca}.key`);
  openssl(args, { cwd: dir });
  if (spec.splice !== undefined) {
    const der = readFileSync(join(dir, `${name}.der`));
    writeFileSync(join(dir, `${name}.der`), spliceNames(der, spec.splice, readFileSync(join(dir, `${name}.key`), 'utf8')));
  }
  openssl(['x509', '-inform', 'DER', '-in', `${name}.der`, '-out', `${name}.pem`], { cwd: dir });
  return { der: new Uint8Array(readFileSync(join(dir, `${name}.der`))), ...opensslNames(dir, `${name}.der`) };
}

/** Replaces issuer and subject of `certDer` with `name` and signs the new TBSCertificate with `keyPem`. */
function spliceNames(certDer: Uint8Array, name: Uint8Array, keyPem: string): Uint8Array {
  const cert = readTlv(certDer, 0);
  const [tbs, signatureAlgorithm] = children(certDer, cert);
  const fields = children(certDer, tbs!);
  const first = fields[0]!.tag === 0xa0 ? 1 : 0; // explicit [0] version
  const parts = fields.map((field, i) =>
    i === first + 2 || i === first + 4 ? name : certDer.subarray(field.start, field.end));
  const newTbs = derTlv(0x30, concat(parts));
  const signature = sign('sha256', newTbs, createPrivateKey(keyPem));
  const algorithm = certDer.subarray(signatureAlgorithm!.start, signatureAlgorithm!.end);
  return derTlv(0x30, concat([newTbs, algorithm, derTlv(0x03, [0, ...signature])]));
}
