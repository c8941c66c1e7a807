import type { z } from "zod";
import type { Locator } from "../read/yaml";
import type { DocPath, Problem } from "../common/problems";
import { didYouMean } from "../common/suggest";

/**
 * Turns zod issues into located problems with plain messages.
 * `base` is where the validated value sits in the document (for a policy file, empty; for an inline policy,
 * `permissionSets.X.inlinePolicy`), `schema` the schema that produced the issues (used to suggest known keys).
 */
export function zodProblems(issues: readonly z.core.$ZodIssue[], locator: Locator, base: DocPath, schema: z.ZodType, value: unknown): Problem[] {
  const out: Problem[] = [];
  for (const issue of issues) collect(issue, [], out, locator, base, schema, value);
  return out;
}

function collect(issue: z.core.$ZodIssue, prefix: DocPath, out: Problem[], locator: Locator, base: DocPath, schema: z.ZodType, root: unknown): void {
  const rel: DocPath = [...prefix, ...(issue.path as (string | number)[])];
  const path: DocPath = [...base, ...rel];
  switch (issue.code) {
    case "unrecognized_keys": {
      const known = knownKeys(schema, rel);
      for (const key of issue.keys) {
        const custom = issue.message && !issue.message.startsWith("Unrecognized key") ? issue.message : undefined;
        const hint = didYouMean(key, known) || (known.length ? `; expected one of ${known.join(", ")}` : "");
        out.push(locator.problem([...path, key], custom ?? `unknown key "${key}"${hint}`, "key"));
      }
      return;
    }
    case "invalid_union": {
      // Report the option that got furthest: the one whose issues are not all a type mismatch at the union itself.
      const options = issue.errors.filter((errs) => errs.length > 0);
      const best = options.find((errs) => errs.some((e) => e.code !== "invalid_type" || e.path.length > 0));
      if (best && issue.message === "Invalid input") {
        for (const inner of best) collect(inner, rel, out, locator, base, schema, root);
        return;
      }
      out.push(
        locator.problem(
          path,
          issue.message === "Invalid input" ? `got ${describe(valueAt(root, rel), locator.raw(path))}, which is not valid here` : issue.message,
        ),
      );
      return;
    }
    case "invalid_key": {
      const inner = issue.issues[0];
      out.push(locator.problem(path, `${inner?.message ?? "invalid key"}: "${String(rel[rel.length - 1])}"`, "key"));
      return;
    }
    case "invalid_element": {
      for (const inner of issue.issues) collect(inner, rel, out, locator, base, schema, root);
      return;
    }
    case "invalid_type": {
      const input = valueAt(root, rel);
      if (input === undefined) {
        const key = rel[rel.length - 1];
        out.push(locator.problem(path.slice(0, -1), `missing required key "${String(key)}"`, "value"));
        return;
      }
      out.push(locator.problem(path, typeMessage(issue.expected, input, locator.raw(path), path)));
      return;
    }
    case "too_small":
    case "too_big":
    case "invalid_format":
    case "invalid_value":
    case "custom":
    default:
      out.push(locator.problem(path, plainMessage(issue)));
  }
}

const EXPECTED: Record<string, string> = {
  string: "text",
  number: "a number",
  boolean: "true or false",
  object: "a mapping (key: value)",
  array: "a list",
  record: "a mapping (key: value)",
};

function typeMessage(expected: string, input: unknown, raw: string | undefined, path: DocPath): string {
  const want = EXPECTED[expected] ?? expected;
  if (expected === "string" && (typeof input === "number" || typeof input === "boolean") && raw !== undefined) {
    const last = path[path.length - 1];
    if (last === "id" && path[0] === "accounts") {
      const digits = raw.replace(/[^0-9]/g, "");
      if (digits.length !== 12) {
        return `an account id is exactly 12 digits, quoted: ${raw} has ${digits.length}; check the id in AWS Organizations and write it as id: "012345678901"`;
      }
      const lost = String(input) !== raw ? `, losing leading zeros` : "";
      return `an account id must be a quoted 12-digit string: YAML read ${raw} as the number ${String(input)}${lost}; write id: "${raw}"`;
    }
    return `expected text, but YAML read ${raw} as ${typeof input === "number" ? "a number" : "true/false"}; quote it: "${raw}"`;
  }
  return `expected ${want}, got ${describe(input, raw)}`;
}

function describe(input: unknown, raw: string | undefined): string {
  if (input === null) return "nothing (null)";
  if (Array.isArray(input)) return "a list";
  if (typeof input === "object") return "a mapping";
  if (typeof input === "string") return `the text ${JSON.stringify(input)}`;
  if (typeof input === "number") return `the number ${raw ?? String(input)}`;
  if (typeof input === "boolean") return `${String(input)}`;
  return typeof input;
}

function plainMessage(issue: z.core.$ZodIssue): string {
  const generic = /^(Too small|Too big|Invalid|Unrecognized)/;
  if (!generic.test(issue.message)) return issue.message;
  switch (issue.code) {
    case "too_small":
      return issue.origin === "array"
        ? `list at least ${String(issue.minimum)} item(s)`
        : `must be at least ${String(issue.minimum)}${issue.origin === "string" ? " characters" : ""}`;
    case "too_big":
      return issue.origin === "array"
        ? `list at most ${String(issue.maximum)} item(s)`
        : `must be at most ${String(issue.maximum)}${issue.origin === "string" ? " characters" : ""}`;
    case "invalid_value":
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
    default:
      return issue.message;
  }
}

function valueAt(root: unknown, path: DocPath): unknown {
  let current: unknown = root;
  for (const segment of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = Object.prototype.hasOwnProperty.call(current, segment) ? (current as Record<string | number, unknown>)[segment] : undefined;
  }
  return current;
}

type Def = {
  type: string;
  shape?: Record<string, z.ZodType>;
  valueType?: z.ZodType;
  element?: z.ZodType;
  innerType?: z.ZodType;
  in?: z.ZodType;
  options?: z.ZodType[];
};
const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** The keys an object schema accepts at `path`, found by walking the schema. */
export function knownKeys(schema: z.ZodType, path: DocPath): string[] {
  let current: z.ZodType | undefined = schema;
  const unwrap = (s: z.ZodType | undefined, segment?: string | number): z.ZodType | undefined => {
    let x = s;
    for (let guard = 0; x && guard < 10; guard++) {
      const def = defOf(x);
      if (def.type === "optional" || def.type === "nullable" || def.type === "default" || def.type === "readonly") x = def.innerType;
      else if (def.type === "pipe") x = def.in;
      else if (def.type === "union") {
        const opts: z.ZodType[] = def.options ?? [];
        x =
          opts.find((o) => {
            const t = defOf(o).type;
            return typeof segment === "number" ? t === "array" : t === "object" || t === "record";
          }) ?? opts[0];
      } else break;
    }
    return x;
  };
  for (const segment of path) {
    current = unwrap(current, segment);
    if (!current) return [];
    const def = defOf(current);
    if (def.type === "object" && typeof segment === "string") current = def.shape?.[segment];
    else if (def.type === "record") current = def.valueType;
    else if (def.type === "array") current = def.element;
    else return [];
  }
  current = unwrap(current, "");
  if (!current) return [];
  const def = defOf(current);
  return def.type === "object" && def.shape ? Object.keys(def.shape) : [];
}
