import * as path from "node:path";
import { MatrixError, sortProblems, type Problem } from "../common/problems";
import type { ValidMatrix } from "../model/matrix";
import { folderFiles, readText, type SiblingFiles } from "../read/source";
import { parseYaml } from "../read/yaml";
import { MatrixSchema } from "../validate/schema";
import { zodProblems } from "../validate/zodProblems";
import { checkMatrix } from "./checkMatrix";
import { checkGuardrails } from "./guardrails";

/**
 * The one way a file becomes a valid matrix: read (bytes, UTF-8, YAML with positions), validate (the zod schema),
 * check (references and limits, then the organization's guardrails). Every problem of every stage is returned,
 * located and sorted.
 */

export type LoadResult = { readonly ok: true; readonly value: ValidMatrix } | { readonly ok: false; readonly problems: Problem[] };

/** How a file is named in messages: relative to the working directory when it lies below it. */
export function displayName(file: string, cwd = process.cwd()): string {
  const rel = path.relative(cwd, path.resolve(cwd, file));
  return rel && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel : path.resolve(cwd, file);
}

/** Reads, parses and checks an access matrix file. Never throws for bad input: every problem is returned, sorted. */
export function loadMatrixFile(file: string, cwd = process.cwd(), options: { guardrails?: boolean } = {}): LoadResult {
  const absolute = path.resolve(cwd, file);
  const shown = displayName(file, cwd);
  const text = readText(absolute, shown);
  if (!text.ok) return text;
  return loadMatrixText(text.text, shown, folderFiles(path.dirname(absolute)), options);
}

/**
 * Parses and checks access matrix text; `files` reads the policy files it names. `guardrails: false` skips the
 * organization's rules: for the old side of a diff, which is compared, never deployed.
 */
export function loadMatrixText(text: string, shownName: string, files: SiblingFiles, options: { guardrails?: boolean } = {}): LoadResult {
  const parsed = parseYaml(text, shownName);
  if (!parsed.ok) return { ok: false, problems: sortProblems(parsed.problems) };
  const { value, locator } = parsed;
  const result = MatrixSchema.safeParse(value, { reportInput: true });
  const problems = result.success ? [] : zodProblems(result.error.issues, locator, [], MatrixSchema, value);
  const checked = checkMatrix(value, locator, files, result.success ? result.data : undefined);
  problems.push(...checked.problems);
  if (problems.length || !result.success) return { ok: false, problems: sortProblems(problems) };
  const valid: ValidMatrix = { file: shownName, matrix: result.data, inlinePolicies: checked.inlinePolicies, locator };
  // The organization's guardrails reason about what the file grants, so they judge a file that is otherwise valid.
  const violations = options.guardrails === false ? [] : checkGuardrails(valid);
  if (violations.length) return { ok: false, problems: sortProblems(violations) };
  return { ok: true, value: valid };
}

/** loadMatrixFile for callers that want an exception (MatrixError lists every problem). */
export function loadMatrixOrThrow(file: string, cwd = process.cwd()): ValidMatrix {
  const result = loadMatrixFile(file, cwd);
  if (!result.ok) throw new MatrixError(result.problems);
  return result.value;
}
