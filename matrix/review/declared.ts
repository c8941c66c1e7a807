import type { z } from "zod";
import { policyName } from "../aws/policies";
import { byText } from "../common/order";
import { isRef, planDecls, planLookups, type Decl, type LookupDecl, type Part, type Plan, type Ref, type Value } from "../expand/plan";
import { titleOf } from "../validate/schema";

/**
 * What changes in what the program declares, derived from the plan itself, not from a list of fields: every input
 * of every resource and lookup a part declares is compared, so a field added to the schema and the expansion shows
 * up here with no change to this module. Labels are the schema's field titles.
 */

export interface FieldChange {
  /** The access.yaml key the change is of (`sessionDuration`), or the declared input's path when none. */
  readonly field: string;
  /** What a reader calls it: the field's title in the schema (`session duration`), else the field. */
  readonly label: string;
  /** `value`: from -> to; `list`: items added and removed; `document`: a JSON document (an inline policy) from -> to. */
  readonly kind: "value" | "list" | "document";
  readonly from?: Value | null;
  readonly to?: Value | null;
  readonly added?: readonly string[];
  readonly removed?: readonly string[];
}

/** A part's observable shape: every declared input, by the access.yaml key it expresses. */
export type Shape = Map<string, Value | undefined>;

/**
 * The leaves of declared inputs, by dotted path. A nested object is one value (tags, a boundary), unless `fields`
 * names a path inside it (a user's `name.givenName`): then it is taken apart.
 */
function leaves(inputs: Readonly<Record<string, Value>>, fields: Readonly<Record<string, string>>, prefix = ""): [string, Value][] {
  return Object.entries(inputs).flatMap(([key, value]): [string, Value][] => {
    const path = prefix ? `${prefix}.${key}` : key;
    const inside = typeof value === "object" && !Array.isArray(value) && !isRef(value) && Object.keys(fields).some((f) => f.startsWith(`${path}.`));
    return inside ? leaves(value as Record<string, Value>, fields, path) : [[path, value]];
  });
}

/** A part's own declarations: its resource, its attachments (`<name>-...`) and lookups; not memberships, which have a section of their own. */
const own = (part: Part, d: Decl) => d.name === part.name || d.name.startsWith(`${part.name}-`);

export function shapeOf(part: Part): Shape {
  const shape: Shape = new Map([["external", part.lookups.length > 0]]);
  const add = (role: string, inputs: Readonly<Record<string, Value>>, fields: Readonly<Record<string, string>> = {}) => {
    for (const [path, value] of leaves(inputs, fields)) {
      const key = fields[path] ?? path;
      // Two declarations with an input of one name (each attachment's instanceArn): keep both, the later by role.
      shape.set(shape.has(key) ? `${role}.${path}` : key, value);
    }
  };
  for (const child of part.children)
    if (own(part, child)) add(child.name === part.name ? "" : child.name.slice(part.name.length + 1), child.inputs, child.fields);
  for (const lookup of part.lookups) add("lookup", lookup.args, lookup.fields);
  return shape;
}

/** An input as a reader knows it: an AWS managed policy by name, a customer managed policy as path and name, a reference by what it names. */
export function readable(value: Value | undefined | null): Value | undefined | null {
  if (value === undefined || value === null) return value;
  if (typeof value === "string") return /^arn:[\w-]+:iam::aws:policy\//.test(value) ? policyName(value) : value;
  if (typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((v) => readable(v) as Value);
  if (isRef(value)) return refText(value);
  const keys = Object.keys(value).sort(byText).join(",");
  const record = value as Record<string, Value>;
  if (keys === "name,path" && typeof record.name === "string" && typeof record.path === "string") return `${record.path}${record.name}`;
  if (keys === "managedPolicyArn" || keys === "customerManagedPolicyReference") return readable(record[keys]);
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, readable(v) as Value]));
}

function refText(ref: Ref): string {
  if ("$instance" in ref) return `(the instance's ${ref.$instance})`;
  if ("$lookup" in ref) return `(${ref.output} looked up by ${ref.$lookup})`;
  return `(${ref.output} of ${ref.$ref})`;
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

const isDocument = (v: unknown): boolean => {
  if (typeof v !== "string" || !v.startsWith("{")) return false;
  try {
    return typeof JSON.parse(v) === "object";
  } catch {
    return false;
  }
};

/** The changes between two shapes, in the order the fields are declared; each labelled by `label`. */
export function fieldChanges(old: Shape, now: Shape, label: (field: string) => string = (f) => f): FieldChange[] {
  const fields = [...new Set([...old.keys(), ...now.keys()])];
  return fields
    .filter((f) => !same(old.get(f), now.get(f)))
    .map((field): FieldChange => {
      const [from, to] = [old.get(field), now.get(field)];
      const base = { field, label: label(field) };
      if ((Array.isArray(from) || from === undefined) && (Array.isArray(to) || to === undefined)) {
        const text = (list: Value | undefined) =>
          ((list ?? []) as Value[]).map((v) => {
            const r = readable(v);
            return typeof r === "string" ? r : JSON.stringify(r);
          });
        const [was, is] = [text(from), text(to)];
        return { ...base, kind: "list", added: is.filter((x) => !was.includes(x)), removed: was.filter((x) => !is.includes(x)) };
      }
      const kind = isDocument(from) || isDocument(to) ? "document" : "value";
      return {
        ...base,
        kind,
        from: kind === "document" ? (from ?? null) : (readable(from) ?? null),
        to: kind === "document" ? (to ?? null) : (readable(to) ?? null),
      };
    });
}

/** A label from a schema: the title of the field, else the field's own name. */
export const labelsOf =
  (schema: z.ZodObject) =>
  (field: string): string =>
    titleOf(schema, field) ?? field;

export interface EntityChanges {
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly changed: readonly { readonly name: string; readonly changes: readonly FieldChange[] }[];
}

/** Entities added, removed and changed, by name. */
export function entityChanges(old: ReadonlyMap<string, Shape>, now: ReadonlyMap<string, Shape>, label?: (field: string) => string): EntityChanges {
  return {
    added: [...now.keys()].filter((k) => !old.has(k)).sort(byText),
    removed: [...old.keys()].filter((k) => !now.has(k)).sort(byText),
    changed: [...now.keys()]
      .filter((k) => old.has(k))
      .sort(byText)
      .map((name) => ({ name, changes: fieldChanges(old.get(name)!, now.get(name)!, label) }))
      .filter((c) => c.changes.length),
  };
}

/** The shape of every part of a list, by name. */
export const shapes = (parts: readonly Part[] | undefined): Map<string, Shape> => new Map((parts ?? []).map((p) => [p.name, shapeOf(p)]));

/**
 * Declarations outside every part's shape (memberships, assignments, components, the provider) that exist on both
 * sides with other inputs. Their adding and removing is reported in people's terms; a change of inputs here replaces
 * the resource, so it is reported too, whatever it is.
 */
export function otherChanges(before: Plan, after: Plan, skip: ReadonlySet<string>): { readonly key: string; readonly changes: readonly FieldChange[] }[] {
  const was = new Map(declarations(before).map((d) => [d.key, d]));
  return declarations(after)
    .filter((d) => !skip.has(d.key) && was.has(d.key))
    .map((d) => ({ key: d.key, changes: fieldChanges(new Map(leaves(was.get(d.key)!.inputs, {})), new Map(leaves(d.inputs, {}))) }))
    .filter((c) => c.changes.length);
}

/** Keys of the declarations the parts' shapes cover. */
export function shapedKeys(parts: readonly Part[]): Set<string> {
  return new Set(parts.flatMap((p) => [...p.children.filter((d) => own(p, d)).map((d) => d.key), ...p.lookups.map((l) => l.key)]));
}

/** Every declaration and lookup, as key and inputs. */
function declarations(plan: Plan): { key: string; inputs: Readonly<Record<string, Value>> }[] {
  return [...planDecls(plan).map((d) => ({ key: d.key, inputs: d.inputs })), ...planLookups(plan).map((l: LookupDecl) => ({ key: l.key, inputs: l.args }))];
}

/** Whether the two plans declare anything differently: a declaration or lookup added, removed, or with other inputs. */
export function declaresDifferently(before: Plan, after: Plan): boolean {
  const text = (plan: Plan) =>
    declarations(plan)
      .map((d) => JSON.stringify([d.key, d.inputs]))
      .sort(byText)
      .join("\n");
  return text(before) !== text(after);
}
