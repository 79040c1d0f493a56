/**
 * A strict reader of Envoy's `x-forwarded-client-cert` grammar: elements separated by `,`, pairs by `;`,
 * `key=value`, values double-quoted when they hold `,`, `;` or `=`, with `\"` and `\\` escaped inside the
 * quotes. Separators count only outside quotes, so a quoted subject cannot end an element or add a pair;
 * never split on `,` or `;` alone. Then what one element says: its fields (single keys once), its
 * certificates, and the checks of its fields against the certificate.
 * @module
 */
import { createHash } from 'node:crypto';
import { chainFromDer, type DecodedChain } from '../cert/chain-engine.js';
import { readSubjectAltNames } from '../der/leaf-extensions.js';
import { parsePemCertificates, urlDecodeHeader } from '../der/pem.js';
import type { CertificateStructure } from '../der/x509.js';
import { MtlsError } from '../errors.js';
import { checkDnHeader, malformed } from './common.js';

/** One `key=value` pair. */
export interface XfccPair {
  /** The key, lowercase (keys are case-insensitive). */
  readonly key: string;
  /** The value as written, outer quotes removed, escapes kept (a DN value is RFC 4514 text already). */
  readonly raw: string;
}

/** One element: the pairs one proxy added, and its text (a cache key). */
export interface XfccElement {
  readonly pairs: readonly XfccPair[];
  readonly text: string;
}

const KEY = /[A-Za-z]+/y;
const SPACES = /[ \t]*/y;

class Reader {
  pos = 0;
  constructor(readonly text: string, readonly header: string) {}
  spaces(): void {
    SPACES.lastIndex = this.pos;
    SPACES.exec(this.text);
    this.pos = SPACES.lastIndex;
  }
  fail(reason: string): never {
    throw malformed(this.header, `${reason} at offset ${this.pos}`);
  }
  key(): string {
    this.spaces();
    KEY.lastIndex = this.pos;
    const match = KEY.exec(this.text);
    if (match === null) this.fail('expected a key');
    this.pos = KEY.lastIndex;
    this.spaces();
    if (this.text[this.pos] !== '=') this.fail('expected "=" after the key');
    this.pos++;
    return match[0].toLowerCase();
  }
  value(): string {
    if (this.text[this.pos] === '"') return this.quoted();
    const start = this.pos;
    while (this.pos < this.text.length && !',;'.includes(this.text[this.pos]!)) {
      if (this.text[this.pos] === '"') this.fail('a quote inside an unquoted value');
      this.pos++;
    }
    return this.text.slice(start, this.pos).trimEnd();
  }
  quoted(): string {
    const start = ++this.pos;
    while (this.pos < this.text.length && this.text[this.pos] !== '"') this.pos += this.text[this.pos] === '\\' ? 2 : 1;
    if (this.pos >= this.text.length) this.fail('unterminated quoted value');
    const raw = this.text.slice(start, this.pos++);
    this.spaces();
    if (this.pos < this.text.length && !',;'.includes(this.text[this.pos]!)) this.fail('text after a quoted value');
    return raw;
  }
}

/** Parses a whole XFCC value into its elements, left to right. @throws MtlsError `ERR_MTLS_MALFORMED_HEADER` */
export function parseXfcc(value: string, header: string): XfccElement[] {
  const r = new Reader(value, header);
  const elements: XfccElement[] = [];
  let pairs: XfccPair[] = [];
  let start = 0;
  for (;;) {
    const key = r.key();
    pairs.push({ key, raw: r.value() });
    const separator = r.text[r.pos];
    if (separator === ';') {
      r.pos++;
      continue;
    }
    elements.push({ pairs, text: value.slice(start, r.pos).trim() });
    if (separator === undefined) return elements;
    pairs = [];
    start = ++r.pos;
  }
}

/** Removes the XFCC escapes (`\"`, `\\`) from a value that is not a DN. */
export function unescapeXfcc(raw: string): string {
  return raw.indexOf('\\') === -1 ? raw : raw.replace(/\\(["\\])/g, '$1');
}

/** Keys that appear at most once in an element (`By`, `URI` and `DNS` repeat, one pair per SAN). */
const SINGLE_KEYS = new Set(['hash', 'cert', 'chain', 'subject', 'issuer']);
const HEX_SHA256 = /^[0-9a-fA-F]{64}$/;

export interface Fields {
  readonly single: ReadonlyMap<string, string>;
  readonly uri: readonly string[];
  readonly dns: readonly string[];
  /** Whether the element holds a `URI` pair (Envoy writes `URI=` for none) and a `DNS` pair (none: not said). */
  readonly hasUri: boolean;
  readonly hasDns: boolean;
}

export function fieldsOf(element: XfccElement, header: string): Fields {
  const single = new Map<string, string>();
  const uri: string[] = [];
  const dns: string[] = [];
  let hasUri = false;
  let hasDns = false;
  for (const { key, raw } of element.pairs) {
    hasUri ||= key === 'uri';
    hasDns ||= key === 'dns';
    if (SINGLE_KEYS.has(key)) {
      if (single.has(key)) throw malformed(header, `the element holds ${key} twice`);
      single.set(key, raw);
    } else if (key === 'uri' && raw !== '') uri.push(unescapeXfcc(raw));
    else if (key === 'dns' && raw !== '') dns.push(unescapeXfcc(raw));
  }
  const hash = single.get('hash');
  if (hash !== undefined && !HEX_SHA256.test(hash)) throw malformed(header, 'Hash is not a hex SHA-256');
  return { single, uri, dns, hasUri, hasDns };
}

/** Cert and/or Chain (which includes the leaf) to one chain, leaf first. */
export function decodeCertificates(f: Fields, header: string, maxCerts: number): DecodedChain {
  const pem = (key: string, max: number) => {
    const raw = f.single.get(key);
    return raw === undefined ? undefined : parsePemCertificates(urlDecodeHeader(unescapeXfcc(raw), header), header, max);
  };
  const cert = pem('cert', 1);
  const chain = pem('chain', maxCerts);
  if (cert && chain && Buffer.compare(cert[0]!.der, chain[0]!.der) !== 0) {
    throw new MtlsError('ERR_MTLS_HEADER_MISMATCH', { header, cause: 'Cert is not the first certificate of Chain' });
  }
  const blocks = chain ?? cert!;
  return chainFromDer(blocks.map((b) => b.der), blocks.map((b) => b.pem), header);
}

function mismatch(header: string, cause: string): MtlsError {
  return new MtlsError('ERR_MTLS_HEADER_MISMATCH', { header, cause });
}

/** Hash, Subject, Issuer, URI and DNS against the certificate Envoy forwarded. */
export function crossCheck(f: Fields, chain: DecodedChain, header: string, all: boolean): void {
  const leaf = chain.structures[0];
  const hash = f.single.get('hash');
  if (hash !== undefined && createHash('sha256').update(leaf.der).digest('hex') !== hash.toLowerCase()) {
    throw mismatch(header, 'Hash is not the SHA-256 of Cert');
  }
  if (!all) return;
  checkDnHeader(f.single.get('subject'), header, leaf, 'subject');
  checkDnHeader(f.single.get('issuer'), header, leaf, 'issuer');
  checkSans(f, leaf, header);
}

/**
 * Envoy writes one URI pair per URI SAN and one DNS pair per DNS SAN, unquoted (a SAN holding ";" is split
 * into pairs, one holding "," ends the element): pairs that are not exactly the certificate's SANs mean the
 * element is not what it seems.
 */
export function checkSans(f: Fields, leaf: CertificateStructure, header: string): void {
  const sans = readSubjectAltNames(leaf);
  if ((f.hasUri && !sameNames(f.uri, sans.uri)) || (f.hasDns && !sameNames(f.dns, sans.dns))) {
    throw mismatch(header, 'URI or DNS pairs are not the SANs of the certificate');
  }
}

/** `said` (empty values dropped: `URI=` says none) are `sans`, an empty SAN aside. */
function sameNames(said: readonly string[], sans: readonly string[]): boolean {
  const sorted = sans.filter((name) => name !== '').sort();
  if (said.length !== sorted.length) return false;
  return [...said].sort().every((name, i) => name === sorted[i]);
}
