/**
 * The verify-mode cache: decoded header sets by serial number, then by issuer header.
 * @module
 */
import { LRUCache } from 'lru-cache';

/** What the cache needs of an entry: the serial number and issuer headers it was decoded from. */
export interface CacheableSet {
  readonly raw: { readonly serialNumber: string; readonly issuer: string };
}

/**
 * Most issuers one serial number keeps entries for. Serial numbers are unique per CA only: private CAs
 * numbering from 1 issue the same serials, and each keeps its entry. Beyond this many, the least recently
 * used goes, so varying the issuer header's encoding cannot grow one serial's share of the cache.
 */
const ISSUERS_PER_SERIAL = 8;

/**
 * An LRU of header sets keyed by the serial number header, each slot holding the sets of up to
 * {@link ISSUERS_PER_SERIAL} issuers, the most recently used first. Keyed by the serial alone because Node
 * hands every request fresh strings: hashing the serial costs a fraction of building and hashing serial +
 * issuer, and the issuer is then one string comparison. `max`
 * bounds the number of sets, not of serials.
 */
export class VerifyCache<Entry extends CacheableSet> {
  readonly #lru: LRUCache<string, Entry[]>;
  readonly #perSerial: number;

  constructor(max: number) {
    this.#perSerial = Math.min(ISSUERS_PER_SERIAL, max);
    this.#lru = new LRUCache<string, Entry[]>({ max, maxSize: max, sizeCalculation: (sets) => sets.length });
  }

  /** The set decoded from this serial number and issuer header, if cached; it becomes its slot's first. */
  get(serialNumber: string, issuer: string): Entry | undefined {
    const sets = this.#lru.get(serialNumber);
    if (sets === undefined) return undefined;
    for (let i = 0; i < sets.length; i++) {
      const entry = sets[i]!;
      if (entry.raw.issuer !== issuer) continue;
      if (i > 0) {
        sets.copyWithin(1, 0, i);
        sets[0] = entry;
      }
      return entry;
    }
    return undefined;
  }

  /** Stores `entry`, replacing the one of the same serial number and issuer header. */
  set(entry: Entry): void {
    const { serialNumber, issuer } = entry.raw;
    const others = (this.#lru.peek(serialNumber) ?? []).filter((e) => e.raw.issuer !== issuer);
    this.#lru.set(serialNumber, [entry, ...others].slice(0, this.#perSerial));
  }
}
