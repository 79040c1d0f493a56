/**
 * Type-level assertions for the `test/types` files, which `tsc --noEmit` (npm run typecheck) compiles and
 * nothing runs. `Expect<Equals<A, B>>` fails to compile unless A and B are the same type, exactly.
 */
export type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;

/** Compiles only for `true`. */
export type Expect<T extends true> = T;
