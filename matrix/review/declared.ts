import type { z } from "zod";
import { isAwsManagedPolicyArn, policyName } from "../aws/policies";
import { byText } from "../common/order";
import { isRef, planDecls, planLookups, type Decl, type Display, type LookupDecl, type Part, type Plan, type Ref, type Value } from "../expand/plan";
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

/** One declared input as the diff compares it: its value, how it reads, and whether it is a reference. */
interface Field {
  readonly value: Value;
  readonly display?: Display;
}

/** A part's observable shape: every declared input, by the access.yaml key it expresses. */
export type Shape = Map<string, Field>;

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
  // How the entry exists: created here, looked up as an identity provider's (external), or as one made elsewhere (existing).
  const shape: Shape = new Map([
    ["external", { value: part.lookups.some((l) => !l.existing) }],
    ["existing", { value: part.lookups.some((l) => l.existing) }],
  ]);
  const add = (role: string, declared: Pick<Decl, "inputs" | "fields" | "display">) => {
    const fields = declared.fields ?? {};
    for (const [path, value] of leaves(declared.inputs, fields)) {
      const key = fields[path] ?? path;
      // Two declarations with an input of one name (each attachment's instanceArn): keep both, the later by role.
      shape.set(shape.has(key) ? `${role}.${path}` : key, { value, display: declared.display?.[path] });
    }
  };
  for (const child of part.children) if (own(part, child)) add(child.name === part.name ? "" : child.name.slice(part.name.length + 1), child);
  for (const lookup of part.lookups) add("lookup", { inputs: lookup.args, fields: lookup.fields });
  return shape;
}

/** A policy as a reader knows it: an AWS managed policy by name, a customer managed policy as path and name. */
function policyText(value: Value): Value {
  if (typeof value === "string") return isAwsManagedPolicyArn(value) ? policyName(value) : value;
  if (Array.isArray(value)) return value.map(policyText);
  if (typeof value !== "object" || isRef(value)) return value;
  const record = value as Record<string, Value>;
  const keys = Object.keys(record).sort(byText).join(",");
  if (keys === "name,path") return `${String(record.path)}${String(record.name)}`;
  if (keys === "managedPolicyArn" || keys === "customerManagedPolicyReference") return policyText(record[keys]);
  return value;
}

/** A value as the diff shows it: references by what they name, policies by name (only inputs the plan marks so). */
export function readable(value: Value | undefined, display?: Display): Value | null {
  if (value === undefined) return null;
  if (typeof value === "object" && isRef(value)) return refText(value);
  return display === "policy" ? policyText(value) : value;
}

function refText(ref: Ref): string {
  if ("$instance" in ref) return `(the instance's ${ref.$instance})`;
  if ("$lookup" in ref) return `(${ref.output} looked up by ${ref.$lookup})`;
  return `(${ref.output} of ${ref.$ref})`;
}

/** Equal as declared: the same JSON. */
export const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** A list's items as text, to tell which were added and which removed. */
const itemTexts = (list: Value | null): string[] => ((list ?? []) as Value[]).map((v) => (typeof v === "string" ? v : JSON.stringify(v)));

/** One field's change, labelled; a list by the items added and removed, a document as it is. */
function fieldChange(field: string, label: string, from: Field | undefined, to: Field | undefined): FieldChange {
  const display = to?.display ?? from?.display;
  const base = { field, label };
  if (display === "document") return { ...base, kind: "document", from: from?.value ?? null, to: to?.value ?? null };
  // What reads the same on both sides but is not (a policy's ARN in another partition) is shown as declared.
  const plain = same(readable(from?.value, display), readable(to?.value, display)) ? undefined : display;
  const [was, is] = [readable(from?.value, plain), readable(to?.value, plain)];
  if ((Array.isArray(was) || was === null) && (Array.isArray(is) || is === null) && (was !== null || is !== null)) {
    const [before, after] = [itemTexts(was), itemTexts(is)];
    const added = after.filter((x) => !before.includes(x));
    const removed = before.filter((x) => !after.includes(x));
    // Lists that read the same but differ (an ARN in another partition, an empty list and none) show whole.
    if (added.length || removed.length) return { ...base, kind: "list", added, removed };
  }
  return { ...base, kind: "value", from: was, to: is };
}

/**
 * The changes between two shapes, in the order the fields are declared; each labelled by `label`. A reference that
 * comes or goes with its declaration (an attachment's instanceArn) is part of that declaration, not a change of its
 * own; a part that changes between created and looked up shows that, and the fields both sides have.
 */
export function fieldChanges(old: Shape, now: Shape, label: (field: string) => string = (f) => f): FieldChange[] {
  const switched = ["external", "existing"].some((k) => !same(old.get(k)?.value, now.get(k)?.value));
  return [...new Set([...old.keys(), ...now.keys()])]
    .filter((f) => !same(old.get(f)?.value, now.get(f)?.value))
    .filter((f) => (old.has(f) && now.has(f)) || (!switched && !isRef((old.get(f) ?? now.get(f))!.value)))
    .map((f) => fieldChange(f, label(f), old.get(f), now.get(f)));
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
  return (
    declarations(after)
      // Inputs declared alike (almost all of them) are seen in one comparison, before any field is taken apart.
      .filter((d) => !skip.has(d.key) && was.has(d.key) && !same(was.get(d.key)!.inputs, d.inputs))
      .map((d) => ({ key: d.key, changes: fieldChanges(fieldsOf(was.get(d.key)!.inputs), fieldsOf(d.inputs)) }))
      .filter((c) => c.changes.length)
  );
}

/** A shape of plain values, by field; an undefined value is no field. */
export const shapeFrom = (entries: Iterable<readonly [string, Value | undefined]>): Shape =>
  new Map([...entries].filter((e): e is [string, Value] => e[1] !== undefined).map(([field, value]) => [field, { value }]));

const fieldsOf = (inputs: Readonly<Record<string, Value>>): Shape => shapeFrom(leaves(inputs, {}));

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
