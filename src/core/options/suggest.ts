/**
 * "Did you mean" for option and matcher keys (helmet-style), so a typo fails at construction with the fix.
 * @module
 */

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const here = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = here;
    }
  }
  return row[b.length]!;
}

/**
 * ` Did you mean "x"?` for the closest known key (case-insensitive; at most 2 edits away, or a quarter of
 * the input's length for longer keys), else `''`.
 */
export function didYouMean(input: string, known: readonly string[]): string {
  let best: string | undefined;
  let bestScore = Math.max(2, Math.floor(input.length / 4)) + 1;
  for (const candidate of known) {
    const score = distance(input.toLowerCase(), candidate.toLowerCase());
    if (score < bestScore) {
      best = candidate;
      bestScore = score;
    }
  }
  return best === undefined ? '' : ` Did you mean "${best}"?`;
}
