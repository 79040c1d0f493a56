/**
 * Options are read from what the caller wrote, never through the prototype chain: a polluted
 * `Object.prototype` (a separate bug elsewhere in the app, say `Object.prototype.required = false` from an
 * unsafe merge) must not change how this library is configured.
 * @module
 */

/**
 * The own enumerable properties of `value`, copied into an object without a prototype, so that reading an
 * option the caller did not give yields `undefined` whatever `Object.prototype` holds.
 */
export function ownOptions<T extends object>(value: T): T {
  return Object.assign(Object.create(null) as T, value);
}
