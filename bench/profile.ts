/**
 * Summarises V8 CPU profiles of the benchmark servers: the share of busy time spent inside the measured
 * middleware chain (`timed` in bench/http/timing.ts), the top frames inside it, and self time of the
 * whole process grouped by origin (this library, Express and its dependencies, Node internals, GC).
 * Standalone: `npx tsx bench/profile.ts <dir-or-file.cpuprofile>...`.
 * @module
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { markdownTable } from './stats.js';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly hitCount?: number;
  readonly children?: readonly number[];
}

/** The function wrapping the code under test in every benchmark server. */
const CHAIN = 'timed';

/**
 * Where the chain hands back to Express (its `next`, which then runs the route and the response inside
 * the chain's stack), and the harness's own clock: neither is the code under test.
 */
function leavesChain(node: ProfileNode): boolean {
  const { functionName, url } = node.callFrame;
  return (functionName === 'next' && /node_modules\/(router|express4?)\//.test(url)) || functionName === 'bigint';
}

/** Where a frame's code comes from. */
function origin(url: string, name: string): string {
  if (name === '(garbage collector)') return 'GC';
  if (name === '(program)') return name;
  if (url.includes('/src/')) return 'express-alb-mtls (src/)';
  if (url.includes('/bench/')) return 'benchmark harness';
  if (url.includes('node_modules/')) return url.replace(/^.*node_modules\/((@[^/]+\/)?[^/]+).*$/, 'node_modules: $1');
  return 'Node internals / native';
}

function frameName(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/(src|bench)\//, '$1/');
  return `${functionName || '(anonymous)'}${file ? ` ${file}:${lineNumber + 1}` : ''}`;
}

const percent = (part: number, whole: number): string => `${((part / whole) * 100).toFixed(1)}%`;

function addTo(map: Map<string, number>, key: string, hits: number): void {
  map.set(key, (map.get(key) ?? 0) + hits);
}

function top(map: Map<string, number>, n: number, whole: number): string[][] {
  return [...map].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, v]) => [`\`${k}\``, percent(v, whole)]);
}

/**
 * Self hits per frame name inside every subtree rooted at a `CHAIN` node, up to where it calls Express's
 * `next` (the wrapper's own self time excluded from the frame list, included in the total).
 */
function insideChain(nodes: readonly ProfileNode[]): { total: number; frames: Map<string, number> } {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const frames = new Map<string, number>();
  let total = 0;
  const walk = (node: ProfileNode, inside: boolean): void => {
    if (inside && leavesChain(node)) return;
    const entering = inside || node.callFrame.functionName === CHAIN;
    if (entering) {
      total += node.hitCount ?? 0;
      if (node.callFrame.functionName !== CHAIN) addTo(frames, frameName(node), node.hitCount ?? 0);
    }
    for (const id of node.children ?? []) walk(byId.get(id)!, entering);
  };
  walk(nodes[0]!, false);
  return { total, frames };
}

/** One profile, as Markdown. */
export function summarizeProfile(file: string, frames = 12): string {
  const { nodes } = JSON.parse(readFileSync(file, 'utf8')) as { nodes: readonly ProfileNode[] };
  const busy = nodes.filter((n) => n.callFrame.functionName !== '(idle)');
  const total = busy.reduce((sum, n) => sum + (n.hitCount ?? 0), 0);
  const byOrigin = new Map<string, number>();
  const byFrame = new Map<string, number>();
  for (const node of busy) {
    addTo(byOrigin, origin(node.callFrame.url, node.callFrame.functionName), node.hitCount ?? 0);
    addTo(byFrame, frameName(node), node.hitCount ?? 0);
  }
  const chain = insideChain(nodes);
  const headline = chain.total > 0 ? `; inside the measured chain: ${percent(chain.total, total)} of busy time` : '';
  return [
    `**${basename(file)}**: ${total} busy samples${headline}`, '',
    markdownTable(['origin (whole process)', 'self'], [...byOrigin].sort((a, b) => b[1] - a[1]).slice(0, 8)
      .map(([k, v]) => [k, percent(v, total)])), '',
    chain.total > 0
      ? markdownTable(['frame inside the measured chain', 'self, % of busy'], top(chain.frames, frames, total))
      : markdownTable(['frame (no measured chain in this profile)', 'self, % of busy'], top(byFrame, frames, total)),
  ].join('\n');
}

/** Every `.cpuprofile` in `dir`, summarised. */
export function summarizeProfiles(dir: string): string {
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).sort();
  return [`Profiles in \`${dir}\` (V8 sampling profiler, 100 µs interval, measured windows only)`,
    ...files.map((f) => summarizeProfile(join(dir, f)))].join('\n\n');
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const arg of process.argv.slice(2)) {
    console.log(statSync(arg).isDirectory() ? summarizeProfiles(arg) : summarizeProfile(arg));
  }
}
