/**
 * A fast path for large JSON inputs (a snapshot of thousands of assignments): the platform's JSON.parse, used only
 * when the text is plain JSON with no key written twice in one object and no `__proto__` key. Anything else (YAML,
 * broken JSON, a duplicate key that JSON.parse would silently resolve to the last) returns undefined, and the caller
 * takes the YAML reader, which reports it located. Positions are not needed on this path: a caller that finds a
 * problem reads the text again with the YAML reader to locate it.
 */
export function plainJson(text: string): { value: unknown } | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  return keysAreUnique(text) ? { value } : undefined;
}

/** Whether every object of valid JSON `text` has distinct keys, none of them `__proto__`. */
function keysAreUnique(text: string): boolean {
  // One set of keys per open object (null for an array); a string followed by ":" is a key.
  const open: (Set<string> | null)[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x7b /* { */) open.push(new Set());
    else if (c === 0x5b /* [ */) open.push(null);
    else if (c === 0x7d /* } */ || c === 0x5d /* ] */) open.pop();
    else if (c === 0x22 /* " */) {
      const start = i + 1;
      let escaped = false;
      for (i = start; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c /* \ */) {
          escaped = true;
          i++;
        } else if (d === 0x22) break;
      }
      const keys = open[open.length - 1];
      if (!keys) continue;
      let j = i + 1;
      while (j < text.length && (text.charCodeAt(j) === 0x20 || text.charCodeAt(j) === 0x0a || text.charCodeAt(j) === 0x0d || text.charCodeAt(j) === 0x09)) j++;
      if (text.charCodeAt(j) !== 0x3a /* : */) continue;
      // A key with escapes is compared as JSON reads it.
      const key = escaped ? (JSON.parse(text.slice(start - 1, i + 1)) as string) : text.slice(start, i);
      if (key === "__proto__" || keys.has(key)) return false;
      keys.add(key);
    }
  }
  return true;
}
