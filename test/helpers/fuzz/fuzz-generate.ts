/**
 * Input generation and shrinking for the fuzz worker. Input `i` is a pure function of (target seeds,
 * seed, i), so the main thread can rebuild the one that hung.
 */
import { mutateBytes, mutateString, rngFor, type Rng } from './fuzz-mutate.js';
import type { FuzzInput, FuzzTarget } from './fuzz-types.js';

/** ALB verify-mode names, plus look-alikes a mutation may introduce. */
const HEADER_NAMES = ['x-amzn-mtls-clientcert-subject', 'x-amzn-mtls-clientcert-issuer', 'x-amzn-mtls-clientcert-serial-number',
  'x-amzn-mtls-clientcert-validity', 'x-amzn-mtls-clientcert-leaf', 'x-amzn-mtls-clientcert', 'X-Amzn-Mtls-Clientcert-Subject'];

function mutateHeaders(bag: Readonly<Record<string, string>>, rng: Rng, donors: readonly string[]): Record<string, string> {
  const out: Record<string, string> = { ...bag };
  const edits = 1 + rng.int(3);
  for (let e = 0; e < edits; e++) {
    const name = rng.chance(0.9) ? rng.pick(Object.keys(out).length ? Object.keys(out) : HEADER_NAMES) : rng.pick(HEADER_NAMES);
    const roll = rng.int(20);
    if (roll === 0) Reflect.deleteProperty(out, name);
    else if (roll === 1) out[name] = rng.pick(donors); // a value that belongs to another header
    else out[name] = mutateString(out[name] ?? '', rng, donors);
  }
  return out;
}

/** Every string inside the target's seeds, as splice donors. */
function stringDonors(target: FuzzTarget): string[] {
  return target.seeds.flatMap((s) => (typeof s === 'string' ? [s] : s instanceof Uint8Array ? [] : Object.values(s)));
}

const donorCache = new WeakMap<FuzzTarget, string[]>();

/** Input number `i` of the run of `target` with `seed`. */
export function generate(target: FuzzTarget, seed: number, i: number): FuzzInput {
  const rng = rngFor(seed, i);
  const base = rng.pick(target.seeds);
  if (target.kind === 'bytes') return mutateBytes(base as Uint8Array, rng, target.seeds as Uint8Array[]);
  let donors = donorCache.get(target);
  if (donors === undefined) donorCache.set(target, (donors = stringDonors(target)));
  if (target.kind === 'headers') return mutateHeaders(base as Record<string, string>, rng, donors);
  return mutateString(base as string, rng, donors);
}

/** What `run` threw, when `allowed` refuses it; `undefined` when the input passes. */
export function failureOf(target: FuzzTarget, input: FuzzInput): unknown {
  try {
    target.run(input);
    return undefined;
  } catch (error) {
    return target.allowed(error) ? undefined : error ?? new Error(`threw ${String(error)}`);
  }
}

/** A one-line description of a failure, stable enough to tell two findings apart. */
export function describeFailure(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`.split('\n')[0]!.slice(0, 300);
  return `non-Error thrown: ${String(error)}`.slice(0, 300);
}

/**
 * Greedy shrinking (delta debugging light): removes chunks while the same failure reproduces, at most
 * `budget` attempts, so corpus entries stay readable.
 */
export function shrink(target: FuzzTarget, input: FuzzInput, budget = 2000): FuzzInput {
  if (typeof input !== 'string' && !(input instanceof Uint8Array)) return input;
  const want = describeFailure(failureOf(target, input));
  let best = input;
  let attempts = 0;
  for (let size = Math.max(1, Math.floor(best.length / 2)); size >= 1 && attempts < budget; size = Math.floor(size / 2)) {
    for (let at = 0; at < best.length && attempts < budget; attempts++) {
      const candidate = cut(best, at, size);
      const failure = failureOf(target, candidate);
      if (failure !== undefined && describeFailure(failure) === want) best = candidate;
      else at += size;
    }
  }
  return best;
}

function cut(input: string | Uint8Array, at: number, size: number): string | Uint8Array {
  if (typeof input === 'string') return input.slice(0, at) + input.slice(at + size);
  const out = new Uint8Array(input.length - Math.min(size, input.length - at));
  out.set(input.subarray(0, at));
  out.set(input.subarray(at + size), at);
  return out;
}
