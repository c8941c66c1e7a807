import * as fs from "node:fs";
import * as path from "node:path";
import type { Problem } from "../common/problems";

/** The largest file read: an organization of 1,000 accounts and 5,000 users is well under 2 MB. */
export const MAX_FILE_BYTES = 8 * 1024 * 1024;

export type TextResult = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly problems: Problem[] };

/**
 * Reads a UTF-8 text file for parsing, refusing what is missing, too large or not UTF-8, with a located problem.
 * `expected` names what the file should be, for those messages; `maxBytes` is the largest accepted.
 */
export function readText(file: string, shownName: string, expected = "an access matrix such as access.yaml", maxBytes = MAX_FILE_BYTES): TextResult {
  const fail = (message: string): TextResult => ({ ok: false, problems: [{ file: shownName, line: 1, column: 1, path: "<root>", message }] });
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    return fail(`the file does not exist; name ${expected}`);
  }
  if (!stat.isFile()) return fail(`this is not a file; name ${expected}`);
  if (stat.size > maxBytes) {
    return fail(`the file has ${stat.size} bytes; the limit is ${maxBytes} (${maxBytes / 1024 / 1024} MB): is this the right file?`);
  }
  return decodeText(fs.readFileSync(file), shownName);
}

/** Decodes UTF-8 bytes, refusing invalid UTF-8 with the position of the first bad byte; drops a byte order mark. */
export function decodeText(bytes: Buffer, shownName: string): TextResult {
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

/**
 * Where the files access.yaml names (policy files) are read from: the folder of access.yaml, or the same folder at
 * a git revision when `diff --base` reads the old side. `relative` is already normalised and stays inside the
 * folder; the answer is the text, or a sentence saying why it cannot be used.
 */
export interface SiblingFiles {
  read(relative: string, shownName: string): TextResult | string;
}

/** Files beside access.yaml on disk. Links are followed only when they stay inside the folder. */
export function folderFiles(dir: string): SiblingFiles {
  return {
    read(relative, shownName) {
      const root = fs.realpathSync(dir);
      let real: string;
      try {
        real = fs.realpathSync(path.resolve(root, relative));
      } catch {
        return `policy file "${relative}" does not exist`;
      }
      if (!fs.statSync(real).isFile()) return `policy file "${relative}" is not a file; name a JSON file`;
      const rel = path.relative(root, real);
      if (rel === "" || rel.startsWith("..") || path.isAbsolute(rel))
        return `"${relative}" is a link to a file outside the folder of access.yaml; keep policy files beside it`;
      return readText(real, shownName);
    },
  };
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
