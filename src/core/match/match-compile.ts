/**
 * Compiling the fields of one matcher object (`{ cn, ou, o, subject, issuer, serialNumber, fingerprint256, san,
 * custom }`) into a single certificate test. Combinators live in `match.ts`.
 * @module
 */
import { types } from 'node:util';
import { MtlsConfigError } from '../errors.js';
import { didYouMean } from '../options/suggest.js';
import { DNS, EMAIL, FINGERPRINT, IP, SERIAL, URI, type Canon } from './match-canon.js';
import { compileValues, describeValue, type CompiledValues } from './match-values.js';
import { attributeByName } from '../der/oid-names.js';
import type { AnyClientCertificate, DistinguishedName } from '../types.js';
import { valuesOf } from '../dn/dn-name.js';

/** A compiled test of a whole certificate. */
export type CertTest = (cert: AnyClientCertificate, req: unknown) => boolean;

/** A compiled certificate test, and whether its answer depends on the certificate alone. */
export interface CompiledTest {
  readonly test: CertTest;
  /**
   * `true` when no predicate (`custom`, or a function among the values) takes part: the answer is then the
   * same for every request carrying the same certificate, and callers may remember it.
   */
  readonly pure: boolean;
}

/** A compiled matcher object, and whether it reads the subject CN (see {@link hasAmbiguousCn}). */
export interface CompiledFields extends CompiledTest {
  /** `true` when a `cn` key or a `subject` key naming the CN (`CN`, `commonName`, `2.5.4.3`...) is present. */
  readonly readsCn: boolean;
}

type FieldCompiler = (value: unknown, path: string) => CompiledTest;

/** The conjunction of `parts` (all must match), pure when every part is. */
export function allParts(parts: readonly CompiledTest[]): CompiledTest {
  const tests = parts.map((p) => p.test);
  const pure = parts.every((p) => p.pure);
  if (tests.length === 1) return { test: tests[0]!, pure };
  return {
    test: (cert, req) => {
      for (const t of tests) if (!t(cert, req)) return false;
      return true;
    },
    pure,
  };
}

const CN_OID = '2.5.4.3';
// Suggestions for a mistyped attribute type: the ones people write.
const COMMON_TYPES = ['CN', 'OU', 'O', 'C', 'L', 'ST', 'serialNumber', 'emailAddress', 'UID', 'DC', 'GN', 'SN'];

/** OID of an attribute type name (short or long, case-insensitive) or of a dotted OID; `undefined` if unknown. */
function attributeOid(type: string): string | undefined {
  return attributeByName(type)?.oid;
}

/** `true` for a plain object (literal, `Object.create(null)`, JSON): the only shape a matcher object may have. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function requireObject(value: unknown, path: string, example: string): Record<string, unknown> {
  if (!isPlainObject(value)) throw new MtlsConfigError(path, `is ${describeValue(value)}; expected an object such as ${example}`);
  if (Object.keys(value).length === 0) throw new MtlsConfigError(path, `is empty; give at least one key, such as ${example}`);
  return value;
}

/**
 * Values of one attribute in a DN. A CN must be unique: a subject with two CNs has no single identity,
 * so a CN test never matches it (an attacker-chosen second CN could otherwise satisfy an `anyOf`).
 */
function attributeTest(dn: (cert: AnyClientCertificate) => DistinguishedName, oid: string, values: CompiledValues): CompiledTest {
  const { test, pure } = values;
  if (oid === CN_OID) {
    return { test: (cert) => {
      const cns = valuesOf(dn(cert), oid);
      return cns.length === 1 && test(cns[0]!);
    }, pure };
  }
  return { test: (cert) => valuesOf(dn(cert), oid).some(test), pure };
}

/**
 * `true` when the subject has two or more CNs. A matcher that reads the CN refuses such a certificate as a
 * whole, not just in its CN test: inside `not()` a plain `false` would turn into a match.
 */
export function hasAmbiguousCn(cert: AnyClientCertificate): boolean {
  return valuesOf(cert.subject, CN_OID).length > 1;
}

/** `true` when `value` is a `subject` map with a key that names the CN in any spelling. */
function namesCn(value: unknown): boolean {
  return isPlainObject(value) && Object.keys(value).some((type) => attributeOid(type) === CN_OID);
}

const subjectOf = (cert: AnyClientCertificate): DistinguishedName => cert.subject;
// A partial certificate without an issuer never reaches a test (compileRule refuses it above every test).
const issuerOf = (cert: AnyClientCertificate): DistinguishedName => cert.issuer as DistinguishedName;

function dnField(dn: (cert: AnyClientCertificate) => DistinguishedName): FieldCompiler {
  return (value, path) => {
    const map = requireObject(value, path, "{ CN: 'partnerCA', O: 'Example' }");
    const tests = Object.entries(map).map(([type, values]) => {
      const oid = attributeOid(type);
      if (oid === undefined) {
        throw new MtlsConfigError(`${path}.${type}`, 'is not an attribute type OpenSSL knows; use a short name (CN, OU), ' +
          `a long name (organizationalUnitName) or a dotted OID (2.5.4.11).${didYouMean(type, COMMON_TYPES)}`);
      }
      return attributeTest(dn, oid, compileValues(values, `${path}.${type}`));
    });
    return allParts(tests);
  };
}

function scalarField(read: (cert: AnyClientCertificate) => string | undefined, canon: Canon): FieldCompiler {
  return (value, path) => {
    const { test, pure } = compileValues(value, path, canon);
    return { test: (cert) => test(read(cert) as string), pure }; // present: see issuerOf
  };
}

const SAN_KINDS: Readonly<Record<string, Canon>> = { dns: DNS, email: EMAIL, uri: URI, ip: IP };

function sanField(value: unknown, path: string): CompiledTest {
  const map = requireObject(value, path, "{ dns: 'api.example.com' }");
  const tests = Object.entries(map).map(([kind, values]): CompiledTest => {
    const canon = Object.hasOwn(SAN_KINDS, kind) ? SAN_KINDS[kind] : undefined;
    if (canon === undefined) {
      throw new MtlsConfigError(`${path}.${kind}`, `is not a SAN kind; use dns, email, uri or ip.${didYouMean(kind, Object.keys(SAN_KINDS))}`);
    }
    const { test, pure } = compileValues(values, `${path}.${kind}`, canon);
    const k = kind as keyof AnyClientCertificate['subjectAltNames'];
    // A SAN with no canonical form (a URI whose authority parsers read differently) matches no matcher,
    // RegExps and predicates included.
    const usable = (san: string): boolean => canon.cert(san) !== undefined && test(san);
    return { test: (cert) => cert.subjectAltNames[k].some(usable), pure };
  });
  return allParts(tests);
}

function customField(value: unknown, path: string): CompiledTest {
  if (typeof value !== 'function') throw new MtlsConfigError(path, `is ${describeValue(value)}; expected (cert, req) => boolean`);
  if (types.isAsyncFunction(value)) throw new MtlsConfigError(path, 'is an async function; it must return a boolean synchronously');
  const fn = value as (cert: AnyClientCertificate, req: unknown) => unknown;
  return { test: (cert, req) => fn(cert, req) === true, pure: false };
}

const FIELDS: ReadonlyMap<string, FieldCompiler> = new Map<string, FieldCompiler>([
  ['cn', (value, path) => attributeTest(subjectOf, CN_OID, compileValues(value, path))],
  ['ou', (value, path) => attributeTest(subjectOf, '2.5.4.11', compileValues(value, path))],
  ['o', (value, path) => attributeTest(subjectOf, '2.5.4.10', compileValues(value, path))],
  ['subject', dnField(subjectOf)],
  ['issuer', dnField(issuerOf)],
  ['serialNumber', scalarField((cert) => cert.serialNumber, SERIAL)],
  ['fingerprint256', scalarField((cert) => cert.fingerprint256, FINGERPRINT)],
  ['san', sanField],
  ['custom', customField],
]);

// Keys people reach for that are not ours, with the one they meant. A Map, so that `constructor` or
// `__proto__` (JSON.parse makes them own keys) find nothing rather than an Object.prototype member.
const ALIASES: ReadonlyMap<string, string> = new Map(Object.entries({
  commonname: 'cn', organizationalunit: 'ou', organizationalunitname: 'ou', organization: 'o', organizationname: 'o',
  serial: 'serialNumber', fingerprint: 'fingerprint256', sha256: 'fingerprint256', subjectaltname: 'san',
  subjectaltnames: 'san', altnames: 'san', dns: 'san.dns', email: 'san.email', uri: 'san.uri', ip: 'san.ip',
}));

function unknownKey(key: string, path: string): MtlsConfigError {
  const alias = ALIASES.get(key.toLowerCase()) ?? (FIELDS.has(key.toLowerCase()) ? key.toLowerCase() : undefined);
  const hint = alias !== undefined ? ` Did you mean "${alias}"?` : didYouMean(key, [...FIELDS.keys()]);
  return new MtlsConfigError(`${path}.${key}`, `is not a matcher field; use ${[...FIELDS.keys()].join(', ')}.${hint}`);
}

/** Compiles the value of one field (`cn: [...]`) on its own, for `requireCN`/`requireOU`, with `path` as given. */
export function compileField(field: 'cn' | 'ou', value: unknown, path: string): CertTest {
  return FIELDS.get(field)!(value, path).test;
}

/**
 * Compiles one matcher object: every given field must match (AND).
 * @throws MtlsConfigError for an empty object, an unknown key (with a "did you mean") or a bad value.
 */
export function compileFields(matcher: Record<string, unknown>, path: string): CompiledFields {
  const keys = Object.keys(matcher);
  if (keys.length === 0) {
    throw new MtlsConfigError(path, 'is empty and would accept every certificate; give a field such as { cn: ... }, ' +
      'or call requireClientCert() without a matcher to accept any certificate');
  }
  let readsCn = false;
  const tests = keys.map((key) => {
    const compile = FIELDS.get(key);
    if (compile === undefined) throw unknownKey(key, path);
    const value = matcher[key]; // read once: the CN check and the compiled test see the same value
    if (key === 'cn' || (key === 'subject' && namesCn(value))) readsCn = true;
    return compile(value, `${path}.${key}`);
  });
  return { ...allParts(tests), readsCn };
}
