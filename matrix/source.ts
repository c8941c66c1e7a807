import * as fs from "node:fs";
import type { Problem } from "./problems";

/** The largest file read: an organization of 1,000 accounts and 5,000 users is well under 2 MB. */
export const MAX_FILE_BYTES = 8 * 1024 * 1024;

export type TextResult = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly problems: Problem[] };

/** Reads a UTF-8 text file for parsing, refusing what is missing, too large or not UTF-8, with a located problem. */
export function readText(file: string, shownName: string): TextResult {
  const fail = (message: string): TextResult => ({ ok: false, problems: [{ file: shownName, line: 1, column: 1, path: "<root>", message }] });
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    return fail("the file does not exist; name an access matrix such as access.yaml");
  }
  if (!stat.isFile()) return fail("this is not a file; name an access matrix such as access.yaml");
  if (stat.size > MAX_FILE_BYTES) {
    return fail(`the file has ${stat.size} bytes; the limit is ${MAX_FILE_BYTES} (${MAX_FILE_BYTES / 1024 / 1024} MB): is this the right file?`);
  }
  const bytes = fs.readFileSync(file);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    const offset = firstInvalidUtf8(bytes);
    const before = bytes.subarray(0, offset).toString("utf8");
    const line = before.split("\n").length;
    const column = before.length - before.lastIndexOf("\n");
    return { ok: false, problems: [{ file: shownName, line, column, path: "<root>", message: "the file is not UTF-8 text; save it as UTF-8" }] };
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return { ok: true, text };
}

function firstInvalidUtf8(bytes: Buffer): number {
  let lo = 0;
  let hi = bytes.length;
  // Binary search for the longest prefix that decodes; in streaming mode a prefix ending inside a character is fine.
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    try {
      new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(0, mid), { stream: true });
      lo = mid;
    } catch {
      hi = mid - 1;
    }
  }
  // The prefix may end inside a character that never completes; the problem starts at that character.
  for (let back = 0; back < 4 && lo - back > 0; back++) {
    try {
      new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(0, lo - back));
      return lo - back;
    } catch {
      // keep backing up
    }
  }
  return lo;
}
