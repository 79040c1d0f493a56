/**
 * The middleware's pass over `req.rawHeaders`: a read header sent twice is refused (Node would join the two
 * lines with ", ", and DNs contain commas), and an owned header the configuration does not read is noticed.
 * @module
 */
import { MtlsError } from './core/errors.js';

/** What a header name is to the scanner: `> 0` the bit of a read name, `UNREAD` an owned unread name, `OTHER`. */
const UNREAD = -1;
const OTHER = 0;

// Header names arrive as new strings with every request, and lowercasing and hashing each of them is most of
// the scan's cost (BENCHMARKS.md). Senders spell a name the same way on every request, so spellings seen
// before are remembered by length and matched by plain string equality. The memo is bounded: a length's
// oldest spelling gives way to a new one, so names that clients send through the load balancer first cannot
// keep ALB's own out of it for good (a client sending new names of those lengths only brings back the
// lowercasing).
const MEMO_MAX_LENGTH = 64;
const MEMO_PER_LENGTH = 4;

/**
 * Scans one request's raw headers (name, value, name, value...): `true` when an owned header the
 * configuration does not read is present. With `checkDuplicates`, throws `MtlsError`
 * `ERR_MTLS_DUPLICATE_HEADER` for a read header sent twice.
 */
export type HeaderScanner = (raw: readonly string[], checkDuplicates: boolean) => boolean;

/**
 * A scanner for one configuration.
 * @param read The lowercase names the configuration reads that may appear once (at most 30: one bit each).
 * @param owned Every lowercase name this library owns, read or not.
 * @param ownedPrefix A lowercase prefix whose every name this library owns too, or `''` for none.
 * @param lists The lowercase names read that may repeat (a list split over lines): neither refused nor unread.
 */
export function createHeaderScanner(read: readonly string[], owned: ReadonlySet<string>, ownedPrefix: string,
  lists: readonly string[] = []): HeaderScanner {
  const readBits = new Map<string, number>(read.map((name, i) => [name, 1 << i]));
  for (const name of lists) readBits.set(name, OTHER);
  // Folded as the scan folds them (`| 0x20`): `_` and `^` are header-name characters too, and fold to other
  // codes than themselves.
  const firstChars = new Set([...read, ...owned, ...lists, ownedPrefix].filter(Boolean).map((name) => name.charCodeAt(0) | 0x20));
  const classify = (name: string): number => {
    const lower = name.toLowerCase();
    return readBits.get(lower) ?? (isOwnedHeader(lower, owned, ownedPrefix) ? UNREAD : OTHER);
  };
  const memo = createSpellingMemo(classify);
  return (raw, checkDuplicates) => {
    let seen = 0;
    let unread = false;
    for (let i = 0; i < raw.length; i += 2) {
      const name = raw[i]!;
      // Fast skip: owned names start with one of a few letters (ALB's with "x").
      if (!firstChars.has(name.charCodeAt(0) | 0x20)) continue;
      const kind = memo(name);
      if (kind > 0) {
        if (checkDuplicates && (seen & kind) !== 0) throw new MtlsError('ERR_MTLS_DUPLICATE_HEADER', { header: name.toLowerCase() });
        seen |= kind;
      } else if (kind === UNREAD) {
        unread = true;
      }
    }
    return unread;
  };
}

/** Whether this library owns the lowercase header name `lower`: one of `owned`, or any name with a non-empty `ownedPrefix`. */
export function isOwnedHeader(lower: string, owned: ReadonlySet<string>, ownedPrefix: string): boolean {
  return owned.has(lower) || (ownedPrefix !== '' && lower.startsWith(ownedPrefix));
}

/** `classify`, remembered per exact spelling (see above). */
function createSpellingMemo(classify: (name: string) => number): (name: string) => number {
  const byLength: Array<Array<string | number> | undefined> = [];
  return (name) => {
    const bucket = byLength[name.length];
    if (bucket !== undefined) {
      for (let j = 0; j < bucket.length; j += 2) if (bucket[j] === name) return bucket[j + 1] as number;
    }
    const kind = classify(name);
    if (name.length <= MEMO_MAX_LENGTH) {
      const spellings = (byLength[name.length] ??= []);
      if (spellings.length === 2 * MEMO_PER_LENGTH) spellings.splice(0, 2);
      spellings.push(name, kind);
    }
    return kind;
  };
}
