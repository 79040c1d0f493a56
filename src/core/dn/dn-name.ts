/**
 * The immutable {@link DistinguishedName} object shared by the string parser and the DER reader, plus
 * {@link createDN} and {@link dnEquals}.
 * @module
 */
import { formatDN } from './dn-format.js';
import { attributeByName } from '../der/oid-names.js';
import type { DistinguishedName, Rdn, RdnAttribute } from '../types.js';

/** Tells whether an attribute has the type a caller asked for (by name or OID, case-insensitive). */
type TypeTest = (attribute: RdnAttribute) => boolean;

function typeTest(type: string): TypeTest {
  const known = attributeByName(type);
  if (known !== undefined) {
    const oid = known.oid;
    return (attribute) => attribute.oid === oid;
  }
  // A descriptor nobody knows can only match attributes parsed with that same (unknown) descriptor.
  const lower = type.toLowerCase();
  return (attribute) => attribute.oid === '' && attribute.type.toLowerCase() === lower;
}

/** Most distinct type spellings remembered per name (matchers ask for a few; bounded against arbitrary input). */
const MAX_REMEMBERED_TYPES = 16;

/** A parsed, frozen distinguished name. `toString()` is computed once, on first use. */
class Name implements DistinguishedName {
  readonly rdns: ReadonlyArray<Rdn>;
  #text: string | undefined;
  // Guards and routers ask the same name for the same types on every request of a cached certificate.
  #byType = new Map<string, readonly string[]>();

  constructor(rdns: ReadonlyArray<Rdn>) {
    this.rdns = rdns;
    this.#text = undefined;
    Object.freeze(this);
  }

  /** Every value of `type`, left to right, frozen and remembered (the allocation-free form of getAll). */
  valuesOf(type: string): readonly string[] {
    let values = this.#byType.get(type);
    if (values === undefined) {
      const matches = typeTest(type);
      const found: string[] = [];
      for (const rdn of this.rdns) {
        for (const attribute of rdn) if (matches(attribute)) found.push(attribute.value);
      }
      values = Object.freeze(found);
      if (this.#byType.size < MAX_REMEMBERED_TYPES) this.#byType.set(type, values);
    }
    return values;
  }

  get(type: string): string | undefined {
    return this.valuesOf(type)[0];
  }

  getAll(type: string): string[] {
    return [...this.valuesOf(type)];
  }

  toString(): string {
    return (this.#text ??= formatDN(this.rdns));
  }
}

/** Every value of `type` in `dn` without copying: the remembered list for names built here. */
export function valuesOf(dn: DistinguishedName, type: string): readonly string[] {
  return dn instanceof Name ? dn.valuesOf(type) : dn.getAll(type);
}

/**
 * Wraps RDNs that are already frozen, in string order (internal: the parsers build them that way).
 * @internal
 */
export function nameFromFrozenRdns(rdns: Rdn[]): DistinguishedName {
  return new Name(Object.freeze(rdns));
}

/** The DN with no RDNs (an empty subject). */
export const EMPTY_DN: DistinguishedName = nameFromFrozenRdns([]);

/**
 * Builds a {@link DistinguishedName} from attributes in string order (most specific RDN first). Attributes are
 * copied and frozen as given: types are not canonicalised and values are not checked.
 * @throws TypeError when an RDN is empty or an attribute lacks a string `type`, `oid` or `value`.
 */
export function createDN(rdns: ReadonlyArray<ReadonlyArray<RdnAttribute>>): DistinguishedName {
  return nameFromFrozenRdns(rdns.map((rdn, index) => {
    if (rdn.length === 0) throw new TypeError(`createDN: RDN ${index} is empty`);
    return Object.freeze(rdn.map((attribute) => {
      const { type, oid, value } = attribute;
      if (typeof type !== 'string' || typeof oid !== 'string' || typeof value !== 'string') {
        throw new TypeError(`createDN: RDN ${index} has an attribute without string type, oid and value`);
      }
      return Object.freeze({ type, oid, value, binary: attribute.binary === true });
    }));
  }));
}

/** The identity of an attribute value for comparison: the type by OID, binary values as uppercase hex. */
function attributeKey(attribute: RdnAttribute): string {
  const type = attribute.oid === '' ? 'name:' + attribute.type.toLowerCase() : attribute.oid;
  const value = attribute.binary === true ? 'hex:' + attribute.value.toUpperCase() : 'text:' + attribute.value;
  return type + '\u0000' + value;
}

/** {@link attributeKey} equality without building the keys: the single-valued RDNs of nearly every DN. */
function sameAttribute(a: RdnAttribute, b: RdnAttribute): boolean {
  if (a.oid !== b.oid || (a.oid === '' && a.type.toLowerCase() !== b.type.toLowerCase())) return false;
  const binary = a.binary === true;
  if (binary !== (b.binary === true)) return false;
  return binary ? a.value.toUpperCase() === b.value.toUpperCase() : a.value === b.value;
}

function rdnEquals(a: Rdn, b: Rdn): boolean {
  if (a.length !== b.length) return false;
  if (a.length === 1) return sameAttribute(a[0]!, b[0]!);
  // A multi-valued RDN is a set: compare the sorted keys (linearithmic, whatever the attribute order).
  const left = a.map(attributeKey).sort();
  const right = b.map(attributeKey).sort();
  return left.every((key, i) => key === right[i]);
}

/**
 * `true` when `a` and `b` name the same entity for the leaf-versus-header cross-check: the same RDNs in the same
 * order, each RDN the same multiset of attributes (type by OID, or by lowercase name when the OID is unknown;
 * values compared exactly, binary values as uppercase hex). Values are not case-folded or normalised.
 */
export function dnEquals(a: DistinguishedName, b: DistinguishedName): boolean {
  if (a === b) return true;
  if (a.rdns.length !== b.rdns.length) return false;
  for (let i = 0; i < a.rdns.length; i++) {
    if (!rdnEquals(a.rdns[i]!, b.rdns[i]!)) return false;
  }
  return true;
}
