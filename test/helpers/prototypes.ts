/** Where a property lives in an object's prototype chain. */

/** The object in `object`'s prototype chain (itself included) that holds `clientCert`, and its descriptor there. */
export function clientCertHolder(object: object): [object, PropertyDescriptor] | undefined {
  for (let current: object | null = object; current !== null; current = Object.getPrototypeOf(current) as object | null) {
    const descriptor = Object.getOwnPropertyDescriptor(current, 'clientCert');
    if (descriptor) return [current, descriptor];
  }
  return undefined;
}
