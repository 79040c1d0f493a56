/**
 * Grouping by canonical name, the lookup path building does for anchors, presented certificates and CRLs.
 * (`Map.groupBy` arrives only in Node 21.)
 * @module
 */

/** `items` grouped by `key`, each group in input order. */
export function groupBy<T>(items: Iterable<T>, key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
