/** Every fuzz target, built from the committed seeds (the same list in the test, the worker and the script). */
import { albHeaders } from '../../../src/testing/index.js';
import { certTargets } from './fuzz-targets-cert.js';
import { listenerTargets } from './fuzz-targets-listener.js';
import { textTargets } from './fuzz-targets-text.js';
import type { FuzzSeeds, FuzzTarget } from './fuzz-types.js';

/**
 * Targets that misbehave on purpose, so the test can show the harness catches a crash and a hang.
 * Never part of a real run (their names start with `canary-`).
 */
const CANARIES: FuzzTarget[] = [
  { name: 'canary-crash', kind: 'string', seeds: ['abc'], allowed: () => false,
    run(input) {
      if ((input as string).length !== 3) throw new TypeError('canary crashed');
    } },
  { name: 'canary-hang', kind: 'string', seeds: ['abc'], allowed: () => false,
    run(input) {
      // eslint-disable-next-line no-empty -- the point is to never return
      while (input !== 'abc') {}
    } },
];

/** Builds the targets. Deterministic: the same seeds give the same targets and seed inputs. */
export function buildTargets(seeds: FuzzSeeds): FuzzTarget[] {
  const headerSets = seeds.certificates.map((c) => albHeaders(c.pem));
  return [...textTargets(headerSets), ...certTargets(seeds, headerSets), ...listenerTargets(), ...CANARIES];
}

/** `true` for the real targets (not the canaries). */
export const isRealTarget = (name: string): boolean => !name.startsWith('canary-');
