/**
 * Values stamped on existing objects as private class fields: invisible to `Reflect.ownKeys`,
 * `util.inspect`, `structuredClone` and copies, and unreachable without this module's functions.
 * @module
 */

/** Reads and writes one kind of stamp. */
export interface StampStore<T> {
  /** The value stamped on `holder`, `undefined` without one. */
  readonly read: (holder: object) => T | undefined;
  /** Stamps `value` on `holder`. Write-once: throws a `TypeError` when `holder` has a stamp of this store. */
  readonly write: (holder: object, value: T) => void;
}

/** A new store: its stamps are private to it (every call makes another private field). */
export function createStampStore<T>(): StampStore<T> {
  // eslint-disable-next-line @typescript-eslint/no-extraneous-class -- the constructor is the point: see below
  class Holder {
    constructor(holder: object) {
      return holder as Holder; // a constructor returning an object makes `this` that object in subclasses
    }
  }
  class Stamp extends Holder {
    #value: T;
    constructor(holder: object, value: T) {
      super(holder);
      this.#value = value;
    }
    static read(holder: object): T | undefined {
      return #value in holder ? (holder as Stamp).#value : undefined;
    }
    static write(holder: object, value: T): void {
      new Stamp(holder, value);
    }
  }
  return { read: Stamp.read, write: Stamp.write };
}
