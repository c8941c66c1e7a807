/** Orders and groupings every stage shares: the same result on every machine and locale. */

/** Code-unit order: the same on every machine and locale. */
export const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Items grouped by key, groups in key order, items in their order. */
export function groupBy<T>(items: readonly T[], key: (item: T) => string): [string, T[]][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k)!.push(item);
  }
  return [...groups].sort((a, b) => byText(a[0], b[0]));
}

/** A record with its keys in order: what is declared and printed does not depend on the order of the file. */
export function sortedRecord<T>(record: Readonly<Record<string, T>>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort((a, b) => byText(a[0], b[0])));
}
