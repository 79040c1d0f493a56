import { mutateDerTree } from './fuzz-der.js';

/**
 * Deterministic mutation of fuzz inputs. Input number `i` of a run depends only on (seed, i) and the seed
 * inputs, so a watchdog in another thread can rebuild the input that hung without replaying the run.
 */

/** A small, fast PRNG (mulberry32): the same seed gives the same stream on every platform. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A PRNG for iteration `i` of the run with `seed`. */
export function rngFor(seed: number, i: number): Rng {
  return new Rng(mulberry32(Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(i + 1, 0xc2b2ae35)));
}

/** Convenience draws over a PRNG. */
export class Rng {
  constructor(private readonly next: () => number) {}
  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

/** Tokens that matter to the string decoders: escapes, separators, markers, encodings. */
const STRING_TOKENS = ['\\', '\\\\', '\\2C', '\\C3\\84', '\\F0\\9F\\98', '\\ ', '\\#', ',', '+', '=', '#', ';', '"',
  ' ', '%', '%0A', '%25', '%C3%84', '%ZZ', '%F0%9F%98%80', '%ED%A0%80', '\n', '\r', '\t', '\u0000', '\u00e9', '\u00c3\u0084',
  '\ud800', '\udfff', '\u{1F600}', '-----BEGIN CERTIFICATE-----', '-----END CERTIFICATE-----', '-----BEGIN%20CERTIFICATE-----%0A',
  'CN=', 'OID.2.5.4.3=', '2.5.4.3=', '#0C03616263', '#', 'NotBefore=', ';NotAfter=', 'Z', 'T', '9999', '0000', '-', 'A', 'f',
  '*', '?', '\\*', '**', '*?*', '.'];

/** Bytes that matter to the DER reader: length forms, tags, boundary values. */
const BYTE_TOKENS = [[0x80], [0x81, 0x80], [0x82, 0xff, 0xff], [0x84, 0xff, 0xff, 0xff, 0xff], [0x85, 1, 0, 0, 0, 0], [0x30, 0x80],
  [0x00, 0x00], [0xff], [0x7f], [0x1f, 0x81, 0x00], [0x06, 0x01, 0x80], [0x06, 0x00], [0x02, 0x00], [0x0c, 0x02, 0xc3, 0x28],
  [0x1e, 0x01, 0x00], [0x1e, 0x02, 0xd8, 0x00], [0xd8, 0x3d], [0xdc, 0x00], [0x1c, 0x04, 0x00, 0x11, 0x00, 0x00], [0x17, 0x0d], [0xa3, 0x00], [0x31, 0x00], [0x04, 0x00], [0x05, 0x00]];

/** Applies 1-8 random edits to a string. */
export function mutateString(input: string, rng: Rng, donors: readonly string[]): string {
  let s = input;
  const edits = 1 + rng.int(8);
  for (let e = 0; e < edits; e++) s = stringEdit(s, rng, donors);
  return s;
}

function stringEdit(s: string, rng: Rng, donors: readonly string[]): string {
  const at = rng.int(s.length + 1);
  switch (rng.int(9)) {
    case 0: return s.slice(0, at) + s.slice(at + 1 + rng.int(4)); // delete
    case 1: return s.slice(0, at) + rng.pick(STRING_TOKENS) + s.slice(at); // insert a token
    case 2: return s.slice(0, at) + rng.pick(STRING_TOKENS) + s.slice(at + 1); // replace a character
    case 3: return s.slice(0, at) + String.fromCharCode(rng.int(rng.chance(0.8) ? 0x100 : 0x10000)) + s.slice(at + 1);
    case 4: { // duplicate a chunk, sometimes many times (cheap way to reach size limits)
      const len = 1 + rng.int(16);
      return s.slice(0, at) + s.slice(at, at + len).repeat(rng.chance(0.1) ? 1 + rng.int(2000) : 2) + s.slice(at + len);
    }
    case 5: return s.slice(0, at); // truncate
    case 6: { // splice from another input
      const d = rng.pick(donors);
      const from = rng.int(d.length + 1);
      return s.slice(0, at) + d.slice(from, from + rng.int(64)) + s.slice(at);
    }
    case 7: return s.slice(0, at) + swapCase(s.charAt(at)) + s.slice(at + 1);
    default: return s.slice(0, at) + s.slice(at + 1, at + 2) + s.charAt(at) + s.slice(at + 2); // transpose
  }
}

function swapCase(c: string): string {
  return c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase();
}

/** Applies 1-3 structural edits (half the time, when `input` parses as DER) or 1-6 byte edits. */
export function mutateBytes(input: Uint8Array, rng: Rng, donors: readonly Uint8Array[]): Uint8Array {
  if (rng.chance(0.5)) {
    let tree: Uint8Array | undefined = input;
    for (let e = 1 + rng.int(3); e > 0 && tree !== undefined; e--) tree = mutateDerTree(tree, rng);
    if (tree !== undefined) return tree;
  }
  let b: number[] = Array.from(input);
  const edits = 1 + rng.int(6);
  for (let e = 0; e < edits; e++) b = byteEdit(b, rng, donors);
  return Uint8Array.from(b);
}

function byteEdit(b: number[], rng: Rng, donors: readonly Uint8Array[]): number[] {
  const at = rng.int(b.length + 1);
  switch (rng.int(7)) {
    case 0: return b.map((x, i) => (i === at ? x ^ (1 << rng.int(8)) : x)); // bit flip
    case 1: return b.map((x, i) => (i === at ? rng.int(256) : x)); // random byte
    case 2: return [...b.slice(0, at), ...rng.pick(BYTE_TOKENS), ...b.slice(at)]; // insert a token
    case 3: return [...b.slice(0, at), ...rng.pick(BYTE_TOKENS), ...b.slice(at + 1 + rng.int(4))]; // overwrite
    case 4: return [...b.slice(0, at), ...b.slice(at + 1 + rng.int(8))]; // delete
    case 5: { // splice from another input
      const d = rng.pick(donors);
      const from = rng.int(d.length + 1);
      return [...b.slice(0, at), ...d.subarray(from, from + rng.int(128)), ...b.slice(at)];
    }
    default: return b.map((x, i) => (i === at ? (x + (rng.chance(0.5) ? 1 : 255)) & 0xff : x)); // off by one
  }
}
