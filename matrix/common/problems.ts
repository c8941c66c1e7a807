import { byText } from "./order";
import { safeOutput, visible } from "./visible";

/**
 * A problem found in an access matrix, located in its source file.
 * Every stage (reading, YAML, schema, references) reports these, and they are printed one per line as
 * `file:line:column  yaml.path  message`, sorted by position.
 */
export interface Problem {
  /** The file as the user named it (relative to the working directory where possible). */
  readonly file: string;
  /** 1-based line. */
  readonly line: number;
  /** 1-based column. */
  readonly column: number;
  /** The path inside the YAML document, e.g. `assignments[3].accounts[0]`; `<root>` for the whole file. */
  readonly path: string;
  /** One plain sentence: what is wrong and what to do. */
  readonly message: string;
}

/** A path inside a YAML/JSON document: map keys and list indexes. */
export type DocPath = readonly (string | number)[];

const PLAIN_KEY = /^[A-Za-z_][\w-]*$/;

/** Text longer than this is cut when a message or path quotes it: a line must stay readable, whatever the file holds. */
export const MAX_QUOTED = 200;

/** `text`, or its start and how long it is. */
export function shorten(text: string): string {
  return text.length > MAX_QUOTED ? `${text.slice(0, MAX_QUOTED - 40)}... (${text.length} characters)` : text;
}

/** Renders a document path the way users read it: `permissionSets.Admin.sessionDuration`, `assignments[3].accounts[0]`. */
export function formatPath(path: DocPath): string {
  if (path.length === 0) return "<root>";
  let out = "";
  for (const raw of path) {
    const segment = typeof raw === "string" ? shorten(raw) : raw;
    if (typeof segment === "number") out += `[${segment}]`;
    else if (PLAIN_KEY.test(segment)) out += out === "" ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/** `file:line:column  path  message`, one line whatever the file holds: values are shown with their hidden characters escaped. */
export function formatProblem(p: Problem): string {
  return safeOutput(`${visible(p.file)}:${p.line}:${p.column}  ${visible(p.path)}  ${visible(p.message)}`);
}

/** Sorts by file, then position, then message, and drops exact duplicates. Long quoted text in messages is cut. */
export function sortProblems(problems: readonly Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems
    .map((p) => ({
      ...p,
      message: p.message.replace(/"((?:[^"\\]|\\.)*)"/g, (whole, inner: string) => (inner.length > MAX_QUOTED ? `"${shorten(inner)}"` : whole)),
    }))
    .sort((a, b) => byText(a.file, b.file) || a.line - b.line || a.column - b.column || byText(a.message, b.message))
    .filter((p) => {
      const key = formatProblem(p);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}

/** Thrown where a caller wants an exception; carries every problem, already sorted. */
export class MatrixError extends Error {
  readonly problems: readonly Problem[];
  constructor(problems: readonly Problem[]) {
    const sorted = sortProblems(problems);
    const noun = sorted.length === 1 ? "problem" : "problems";
    super(`${sorted.length} ${noun} in the access matrix:\n${sorted.map(formatProblem).join("\n")}`);
    this.name = "MatrixError";
    this.problems = sorted;
  }
}
