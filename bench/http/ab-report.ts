/**
 * Tables of the in-process A/B (toggle.ts, ab-suite.ts): CPU per request with and without the middleware,
 * from neighbouring blocks of requests in one server process.
 * @module
 */
import { markdownTable, quantile } from '../stats.js';
import type { AbResult } from './ab-suite.js';
import type { Scenario } from './scenarios.js';

const pairDiffs = (r: AbResult): number[] => r.on.map((on, i) => on - (r.off[i] ?? Number.NaN)).filter(Number.isFinite);

/** Median CPU per request without the middleware, and the median added by it, µs. */
function abFigures(r: AbResult): { without: number; added: number; addedIqr: [number, number] } {
  const diffs = pairDiffs(r);
  return { without: quantile(r.off, 0.5), added: quantile(diffs, 0.5), addedIqr: [quantile(diffs, 0.25), quantile(diffs, 0.75)] };
}

/** The in-process A/B table for one Express major (toggle.ts): the steadiest CPU figures we have. */
export function abTable(results: readonly AbResult[], scenarios: readonly Scenario[]): string {
  const rows = results.map((r) => {
    const sc = scenarios.find((s) => s.id === r.scenario)!;
    if (r.unavailable !== undefined) return [`${sc.number} ${sc.title}`, `not measured (${r.unavailable})`, '', '', '', ''];
    const f = abFigures(r);
    return [`${sc.number} ${sc.title}`, String(r.on.length), quantile(r.on, 0.5).toFixed(1), f.without.toFixed(1),
      `${f.added.toFixed(1)} (${f.addedIqr[0].toFixed(1)} – ${f.addedIqr[1].toFixed(1)})`,
      `${((f.added / f.without) * 100).toFixed(1)}%`, (f.without / (f.without + f.added)).toFixed(3)];
  });
  return markdownTable(['scenario', 'block pairs', 'CPU µs/req with', 'without', 'added µs: median (IQR) of pair differences',
    'added % of without', '× without (throughput if CPU-bound)'], rows);
}

/** Targets judged on the A/B figures. */
export function abTargets(results: readonly AbResult[]): string[][] {
  const by = (id: string): AbResult | undefined => results.find((r) => r.scenario === id && r.unavailable === undefined && r.on.length > 0);
  const rows: string[][] = [];
  // `unsure`: the interquartile range of the pair differences falls on both sides of the limit.
  const judge = (label: string, value: number, ok: boolean, aim?: boolean, unsure = false): void => {
    const byMedian = ok ? (aim ? 'met (aim met)' : 'met') : 'missed';
    const result = unsure ? `inconclusive: IQR on both sides (median: ${byMedian})` : ok ? byMedian : '**missed**';
    rows.push([`Express ${results[0]?.express ?? '?'}`, label, value.toFixed(3), result]);
  };
  /** Whether the IQR of the added CPU straddles `maxAdded`. */
  const straddles = (f: ReturnType<typeof abFigures>, maxAdded: number): boolean => f.addedIqr[0] <= maxAdded && f.addedIqr[1] > maxAdded;
  const req = by('requireCN');
  if (req) {
    const f = abFigures(req);
    const pct = (f.added / f.without) * 100;
    judge('A/B 2 requireCN: added CPU, % (≤ 5, aim 2)', pct, pct <= 5, pct <= 2, straddles(f, f.without * 0.05));
  }
  for (const [id, limit] of [['verify', 0.95], ['requireCN', 0.95], ['routeByCert', 0.9], ['passthrough', 0.95]] as const) {
    const r = by(id);
    if (!r) continue;
    const f = abFigures(r);
    const ratio = f.without / (f.without + f.added);
    judge(`A/B ${id}: × bare by CPU (≥ ${limit})`, ratio, ratio >= limit, undefined, straddles(f, f.without * (1 / limit - 1)));
  }
  const cold = by('cold');
  const hand = by('handrolled');
  if (cold && hand) {
    const base = quantile([...cold.off, ...hand.off], 0.5);
    const ratio = (base + abFigures(hand).added) / (base + abFigures(cold).added);
    judge('A/B 5 cold: × hand-rolled by CPU (≥ 1.0, aim 1.5)', ratio, ratio >= 1, ratio >= 1.5);
  }
  return rows;
}
