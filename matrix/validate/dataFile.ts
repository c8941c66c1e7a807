import type { z } from "zod";
import { sortProblems, type DocPath, type Problem } from "../common/problems";
import { plainJson } from "../read/json";
import { readText } from "../read/source";
import { parseYaml } from "../read/yaml";
import { zodProblems } from "./zodProblems";

/**
 * A data file other than access.yaml (a snapshot, adopt.json, the output of pulumi preview --json) read the way
 * access.yaml is: its schema, then `more` checks of its own, every problem located. Plain JSON takes the fast path
 * (the platform's parser); anything else, and any file with a problem, is read again by the YAML reader, which
 * locates every problem.
 */

export type DataResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problems: Problem[] };

/** Checks of a value beyond its schema, as (path, message); given the raw value when the schema failed too. */
export type MoreChecks = (value: unknown) => [DocPath, string][];

export function loadDataText<T>(text: string, shownName: string, schema: z.ZodType<T>, more: MoreChecks = () => []): DataResult<T> {
  const fast = plainJson(text);
  if (fast) {
    const result = schema.safeParse(fast.value);
    if (result.success && more(result.data).length === 0) return { ok: true, value: result.data };
  }
  const parsed = parseYaml(text, shownName);
  if (!parsed.ok) return { ok: false, problems: sortProblems(parsed.problems) };
  const result = schema.safeParse(parsed.value, { reportInput: true });
  // Both passes, so that every problem shows at once: the second reads the value as far as it has the right shape.
  const problems = result.success ? [] : zodProblems(result.error.issues, parsed.locator, [], schema, parsed.value);
  problems.push(...more(result.success ? result.data : parsed.value).map(([path, message]) => parsed.locator.problem(path, message)));
  if (problems.length || !result.success) return { ok: false, problems: sortProblems(problems) };
  return { ok: true, value: result.data };
}

/** loadDataText of a file; `expected` names what it should be, for a missing or oversized file. */
export function loadDataFile<T>(file: string, shownName: string, expected: string, maxBytes: number, schema: z.ZodType<T>, more?: MoreChecks): DataResult<T> {
  const text = readText(file, shownName, expected, maxBytes);
  if (!text.ok) return text;
  return loadDataText(text.text, shownName, schema, more);
}
