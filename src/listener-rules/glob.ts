/**
 * ALB listener-rule wildcards: `*` matches any run of characters (including none), `?` exactly one.
 * Hand-written on purpose: a RegExp built from a user's pattern (`*a*a*a*...`) can backtrack exponentially;
 * this matcher splits the pattern at `*` and places each piece at its leftmost position, so it runs in
 * O(input length x pattern length) with no backtracking, and pattern length is bounded (ALB: 128).
 * @module
 */

/** Options of {@link compileGlob}. */
export interface GlobOptions {
  /** Compare ASCII letters without case (ALB: host, header values, query strings). */
  readonly caseInsensitive: boolean;
  /** `\*`, `\?` and `\\` stand for the literal character (ALB: query-string values). */
  readonly escapes: boolean;
}

/** A piece between two `*`: character codes, `ANY` for `?`. */
type Piece = readonly number[];

const ANY = -1;

const fold = (code: number): number => (code >= 0x41 && code <= 0x5a ? code + 0x20 : code);

function parsePieces(pattern: string, options: GlobOptions): Piece[] {
  const pieces: number[][] = [[]];
  for (let i = 0; i < pattern.length; i++) {
    let code = pattern.charCodeAt(i);
    const next = pattern[i + 1];
    if (options.escapes && code === 0x5c && (next === '*' || next === '?' || next === '\\')) {
      code = pattern.charCodeAt(++i);
    } else if (code === 0x2a) {
      pieces.push([]);
      continue;
    } else if (code === 0x3f) {
      code = ANY;
    }
    pieces[pieces.length - 1]!.push(options.caseInsensitive && code !== ANY ? fold(code) : code);
  }
  return pieces;
}

function matchesAt(input: string, at: number, piece: Piece, caseInsensitive: boolean): boolean {
  for (let j = 0; j < piece.length; j++) {
    const want = piece[j]!;
    if (want === ANY) continue;
    const got = input.charCodeAt(at + j);
    if ((caseInsensitive ? fold(got) : got) !== want) return false;
  }
  return true;
}

/** `true` when `pattern` contains an unescaped `*` or `?`. */
export function hasWildcard(pattern: string, escapes = false): boolean {
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (escapes && c === '\\') i++;
    else if (c === '*' || c === '?') return true;
  }
  return false;
}

/** Compiles an ALB wildcard pattern into a whole-string test. */
export function compileGlob(pattern: string, options: GlobOptions): (input: string) => boolean {
  const pieces = parsePieces(pattern, options);
  const ci = options.caseInsensitive;
  const first = pieces[0]!;
  if (pieces.length === 1) return (input) => input.length === first.length && matchesAt(input, 0, first, ci);
  const last = pieces[pieces.length - 1]!;
  const middle = pieces.slice(1, -1).filter((p) => p.length > 0);
  const minLength = pieces.reduce((sum, p) => sum + p.length, 0);
  return (input) => {
    if (input.length < minLength) return false;
    const limit = input.length - last.length;
    if (!matchesAt(input, 0, first, ci) || !matchesAt(input, limit, last, ci)) return false;
    let pos = first.length;
    for (const piece of middle) {
      // Leftmost placement is optimal: any later match of this piece leaves less room for the rest.
      let at = pos;
      while (at + piece.length <= limit && !matchesAt(input, at, piece, ci)) at++;
      if (at + piece.length > limit) return false;
      pos = at + piece.length;
    }
    return true;
  };
}
