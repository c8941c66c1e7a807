import type { z } from "zod";
import { partitionOf } from "../aws/policies";
import type { DocPath, Problem } from "../common/problems";
import { inventoryOf, type InventoryAccount } from "../model/accounts";
import type { Account, Assignment, Group, Matrix, PermissionSet, User } from "../model/matrix";
import type { SiblingFiles } from "../read/source";
import type { Locator } from "../read/yaml";
import { AccountSchema, GroupSchema, PermissionSetSchema, UserSchema } from "../validate/schema";

/**
 * The document as the checks read it: each name-keyed section as far as its entries have a valid shape, so that
 * one broken entry does not hide the problems of its neighbours (the schema pass reports the broken parts). A
 * reference to an entry whose shape is broken still resolves (its key exists), so a broken entry is reported once,
 * at itself.
 */

export type Raw = Record<string, unknown>;
export const isMap = (v: unknown): v is Raw => v !== null && typeof v === "object" && !Array.isArray(v);

/**
 * The entry as far as its shape is valid: parsed as is (`intact`), or else without the keys that have problems
 * (those are reported by the schema pass), so that the rules still check the rest of it. Undefined if nothing is left.
 */
export function usable<T>(value: unknown, schema: z.ZodType<T>): { value: T; intact: boolean } | undefined {
  const parsed = schema.safeParse(value);
  if (parsed.success) return { value: parsed.data, intact: true };
  if (!isMap(value)) return undefined;
  const bad = new Set<PropertyKey>(parsed.error.issues.flatMap((i) => (i.code === "unrecognized_keys" && i.path.length === 0 ? i.keys : i.path.slice(0, 1))));
  const again = schema.safeParse(Object.fromEntries(Object.entries(value).filter(([k]) => !bad.has(k))));
  return again.success ? { value: again.data, intact: false } : undefined;
}

/** The usable entries of a name-keyed section, all of the section's keys, and the section as written. */
export interface Section<T> {
  readonly valid: ReadonlyMap<string, T>;
  /** Every key, in the file's order (for suggestions); `has` asks about one without walking them. */
  readonly keys: readonly string[];
  has(key: string): boolean;
  readonly raw: Raw;
}

function section<T>(raw: unknown, schema: z.ZodType<T>, parsed: Readonly<Record<string, T>> | undefined): Section<T> {
  if (!isMap(raw)) return { valid: new Map(), keys: [], has: () => false, raw: {} };
  const keys = Object.keys(raw);
  const known = new Set(keys);
  const has = (key: string) => known.has(key);
  // The whole file had a valid shape: its entries were parsed already, by the same schemas.
  if (parsed) return { valid: new Map(Object.entries(parsed)), keys, has, raw };
  const valid = new Map<string, T>();
  for (const [key, value] of Object.entries(raw)) {
    const entry = usable(value, schema);
    if (entry !== undefined) valid.set(key, entry.value);
  }
  return { valid, keys, has, raw };
}

/** What every check reads, and where it reports. */
export interface Document {
  /** The whole document as written. */
  readonly raw: Raw;
  readonly locator: Locator;
  readonly files: SiblingFiles;
  readonly region: string;
  readonly partition: string;
  readonly accounts: Section<Account>;
  /** The usable accounts, sorted by id. */
  readonly inventory: readonly InventoryAccount[];
  readonly permissionSets: Section<PermissionSet>;
  readonly groups: Section<Group>;
  readonly users: Section<User>;
  /** The assignments as parsed by the schema, when the whole file has a valid shape. */
  readonly parsedAssignments: readonly Assignment[] | undefined;
  /** Reports a problem at the value (or key) of `path`. */
  at(path: DocPath, message: string, where?: "key" | "value"): void;
  readonly problems: Problem[];
}

/**
 * `parsed`: the whole document as the schema parsed it, when its shape is valid; its entries are then used as they
 * are instead of being parsed again one by one.
 */
export function documentOf(doc: unknown, locator: Locator, files: SiblingFiles, parsed?: Matrix): Document {
  const raw: Raw = isMap(doc) ? doc : {};
  const problems: Problem[] = [];
  // A region that fails its own check still gives a partition, so that policy ARNs are checked too.
  const region = isMap(raw.identityCenter) && typeof raw.identityCenter.region === "string" ? raw.identityCenter.region : "us-east-1";
  const accounts = section<Account>(raw.accounts, AccountSchema, parsed?.accounts);
  return {
    raw,
    locator,
    files,
    region,
    partition: partitionOf(region),
    accounts,
    inventory: inventoryOf(accounts.valid),
    permissionSets: section<PermissionSet>(raw.permissionSets, PermissionSetSchema, parsed && (parsed.permissionSets ?? {})),
    groups: section<Group>(raw.groups, GroupSchema, parsed && (parsed.groups ?? {})),
    users: section<User>(raw.users, UserSchema, parsed && (parsed.users ?? {})),
    parsedAssignments: parsed && (parsed.assignments ?? []),
    at: (path, message, where = "value") => problems.push(locator.problem(path, message, where)),
    problems,
  };
}

/** A written target (non-empty list or map, or true); a malformed one counts as written, the schema reports it. */
export const written = (v: unknown): boolean =>
  v !== undefined && v !== false && !(Array.isArray(v) && v.length === 0) && !(isMap(v) && Object.keys(v).length === 0);

/** The items of a list as written, or none when it is not a list (the schema pass reports that). */
export const itemsOf = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
