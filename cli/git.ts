import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { MAX_FILE_BYTES, decodeText, type SiblingFiles, type TextResult } from "../matrix/read/source";

/**
 * Reads access.yaml, and the policy files it names, as they were at a git revision: the old side of
 * `diff --base origin/main`. Only git plumbing is used, so the working tree and index are never touched.
 */

/** git is missing, the folder is not a repository, or the revision is unknown: a sentence for the user. */
export class GitError extends Error {}

function git(args: readonly string[], cwd: string): Buffer {
  try {
    return execFileSync("git", args, { cwd, stdio: ["ignore", "pipe", "pipe"], maxBuffer: 4 * MAX_FILE_BYTES });
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stderr?: Buffer };
    if (e.code === "ENOENT") throw new GitError("git is not installed or not on PATH; compare two files instead: sso-access diff OLD NEW");
    throw new GitError(`git ${args[0]} failed: ${(e.stderr?.toString() ?? e.message).trim().split("\n")[0]}`);
  }
}

export interface Revision {
  /** `origin/main:access.yaml`, as problems name the old file. */
  readonly shownName: string;
  /** The text of the file, or undefined when the file does not exist at the revision. */
  readonly text: TextResult | undefined;
  /** The policy files beside it, at the same revision. */
  readonly files: SiblingFiles;
}

export function readAtRevision(ref: string, file: string, cwd = process.cwd()): Revision {
  const absolute = path.resolve(cwd, file);
  const dir = path.dirname(absolute);
  let prefix: string;
  try {
    prefix = git(["rev-parse", "--show-prefix"], dir).toString().trim();
  } catch (error) {
    if (/not a git repository/i.test((error as Error).message)) {
      throw new GitError(`${path.relative(cwd, dir) || "this folder"} is not in a git repository; compare two files instead: sso-access diff OLD NEW`);
    }
    throw error;
  }
  try {
    git(["rev-parse", "--verify", "--quiet", `${ref}^{commit}`], dir);
  } catch {
    throw new GitError(`unknown git revision "${ref}"; fetch it first (git fetch origin main), and in CI check out with full history (fetch-depth: 0)`);
  }
  const base = path.basename(absolute);
  const shownName = `${ref}:${path.posix.join(prefix, base)}`;
  const read = (repoPath: string, shown: string): TextResult | string | undefined => {
    const listing = git(["ls-tree", "--full-tree", "-z", ref, "--", repoPath], dir).toString();
    if (!listing) return undefined;
    const [meta] = listing.split("\t");
    const [mode, type, object] = meta.split(" ");
    if (type !== "blob") return `"${shown}" is a folder at ${ref}, not a file`;
    if (mode === "120000") return `"${shown}" is a link at ${ref}; keep policy files beside access.yaml as plain files`;
    const size = Number(git(["cat-file", "-s", object], dir).toString().trim());
    if (size > MAX_FILE_BYTES) return `"${shown}" has ${size} bytes at ${ref}; the limit is ${MAX_FILE_BYTES}`;
    return decodeText(git(["cat-file", "blob", object], dir), shown);
  };
  const text = read(path.posix.join(prefix, base), shownName);
  if (typeof text === "string") throw new GitError(text);
  return {
    shownName,
    text,
    files: {
      read(relative) {
        const result = read(path.posix.join(prefix, relative), `${ref}:${path.posix.join(prefix, relative)}`);
        return result === undefined ? `policy file "${relative}" does not exist at ${ref}` : result;
      },
    },
  };
}
