/**
 * Matchers on a {@link PartialClientCertificate}: a field the front door did not send is unknown, not
 * empty, so a matcher that reads one refuses the certificate as a whole. Refusing only the one test would
 * not do: inside `not()` its `false` would become a match.
 * @module
 */
import { isPlainObject } from './match-compile.js';
import type { AnyClientCertificate, SubjectAltNames } from '../types.js';

/** The fields a matcher reads anywhere, combinators included: `cn`, `issuer`, `san.ip`, ... */
export function fieldsRead(matcher: unknown, out = new Set<string>()): Set<string> {
  if (!isPlainObject(matcher)) {
    // A combination (allOf, anyOf, not): compileMatcher has checked its shape already.
    const operands = (matcher as { operands?: unknown }).operands;
    if (Array.isArray(operands)) for (const operand of operands) fieldsRead(operand, out);
  } else {
    for (const key of Object.keys(matcher)) {
      const san = matcher[key];
      if (key === 'san' && isPlainObject(san)) for (const kind of Object.keys(san)) out.add(`san.${kind}`);
      else out.add(key);
    }
  }
  return out;
}

/** `true` for a field a partial certificate may lack (every one but `custom`). */
export function mayBeMissing(field: string): boolean {
  return field !== 'custom';
}

/** `true` when `cert` is partial and lacks one of `fields`. */
export function lacksAnyField(cert: AnyClientCertificate, fields: ReadonlySet<string>): boolean {
  if (cert.complete) return false;
  for (const field of fields) {
    switch (field) {
      case 'cn': case 'ou': case 'o': case 'subject':
        if (cert.subject.rdns.length === 0) return true;
        break;
      case 'issuer':
        if (cert.issuer === undefined) return true;
        break;
      case 'fingerprint256':
        if (cert.fingerprint256 === undefined) return true;
        break;
      case 'san.dns': case 'san.uri': case 'san.email': case 'san.ip':
        if (cert.unknownSanKinds.includes(field.slice('san.'.length) as keyof SubjectAltNames)) return true;
        break;
      case 'custom':
        break;
      default: // serialNumber: never forwarded without the certificate
        return true;
    }
  }
  return false;
}
