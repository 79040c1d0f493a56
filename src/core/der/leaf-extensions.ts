/**
 * The leaf extensions `req.clientCert` exposes: subject alternative names and extended key usage.
 * @module
 */
import { DerError, TAG, children, content, decodeOid } from './der.js';
import { ipFromBytes } from './ip.js';
import type { SubjectAltNames } from '../types.js';
import { EXT, findExtension, readWhole, type CertificateStructure } from './x509.js';

const EMPTY_SANS: SubjectAltNames = Object.freeze({
  dns: Object.freeze([]), email: Object.freeze([]), uri: Object.freeze([]), ip: Object.freeze([]),
});

function ia5(bytes: Uint8Array): string {
  for (const b of bytes) if (b > 0x7e || b < 0x20) throw new DerError('non-printable character in IA5 name');
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

/** Reads the subjectAltName extension; names of other kinds (otherName, directoryName, ...) are skipped. */
export function readSubjectAltNames(cert: CertificateStructure): SubjectAltNames {
  const ext = findExtension(cert, EXT.SUBJECT_ALT_NAME);
  if (!ext) return EMPTY_SANS;
  const seq = readWhole(ext.value, TAG.SEQUENCE);
  const dns: string[] = [];
  const email: string[] = [];
  const uri: string[] = [];
  const ip: string[] = [];
  for (const name of children(ext.value, seq)) {
    const bytes = content(ext.value, name);
    switch (name.tag) {
      case 0x81: email.push(ia5(bytes)); break;
      case 0x82: dns.push(ia5(bytes)); break;
      case 0x86: uri.push(ia5(bytes)); break;
      case 0x87: {
        const text = ipFromBytes(bytes);
        if (text === undefined) throw new DerError('iPAddress SAN of bad length');
        ip.push(text);
        break;
      }
      default:
        // Other GeneralName kinds (otherName, directoryName, ...) are skipped; a non-context tag is not one.
        if ((name.tag & 0xc0) !== 0x80) throw new DerError('subjectAltName entry is not a GeneralName');
        break;
    }
  }
  if (seq.end === seq.contentStart) throw new DerError('empty subjectAltName');
  return Object.freeze({
    dns: Object.freeze(dns), email: Object.freeze(email), uri: Object.freeze(uri), ip: Object.freeze(ip),
  });
}

/** Reads the extKeyUsage OIDs, or `undefined` when the extension is absent. */
export function readExtKeyUsage(cert: CertificateStructure): readonly string[] | undefined {
  const ext = findExtension(cert, EXT.EXT_KEY_USAGE);
  if (!ext) return undefined;
  const seq = readWhole(ext.value, TAG.SEQUENCE);
  const oids = children(ext.value, seq).map((t) => {
    if (t.tag !== TAG.OID) throw new DerError('extKeyUsage entry is not an OID');
    return decodeOid(content(ext.value, t));
  });
  if (oids.length === 0) throw new DerError('empty extKeyUsage');
  return Object.freeze(oids);
}
