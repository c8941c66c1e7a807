import type { z } from "zod";
import { partitionOf } from "../aws/policies";
import type { DocPath, Problem } from "../common/problems";
import { inventoryOf, type InventoryAccount } from "../model/accounts";
import type { Account, Group, PermissionSet, User } from "../model/matrix";
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
  readonly keys: readonly string[];
  readonly raw: Raw;
}

function section<T>(raw: unknown, schema: z.ZodType<T>): Section<T> {
  const valid = new Map<string, T>();
  if (!isMap(raw)) return { valid, keys: [], raw: {} };
  for (const [key, value] of Object.entries(raw)) {
    const entry = usable(value, schema);
    if (entry !== undefined) valid.set(key, entry.value);
  }
  return { valid, keys: Object.keys(raw), raw };
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
  /** Reports a problem at the value (or key) of `path`. */
  at(path: DocPath, message: string, where?: "key" | "value"): void;
  readonly problems: Problem[];
}

export function documentOf(doc: unknown, locator: Locator, files: SiblingFiles): Document {
  const raw: Raw = isMap(doc) ? doc : {};
  const problems: Problem[] = [];
  // A region that fails its own check still gives a partition, so that policy ARNs are checked too.
  const region = isMap(raw.identityCenter) && typeof raw.identityCenter.region === "string" ? raw.identityCenter.region : "us-east-1";
  const accounts = section<Account>(raw.accounts, AccountSchema);
  return {
    raw,
    locator,
    files,
    region,
    partition: partitionOf(region),
    accounts,
    inventory: inventoryOf(accounts.valid),
    permissionSets: section<PermissionSet>(raw.permissionSets, PermissionSetSchema),
    groups: section<Group>(raw.groups, GroupSchema),
    users: section<User>(raw.users, UserSchema),
    at: (path, message, where = "value") => problems.push(locator.problem(path, message, where)),
    problems,
  };
}

/** A written target (non-empty list or map, or true); a malformed one counts as written, the schema reports it. */
export const written = (v: unknown): boolean =>
  v !== undefined && v !== false && !(Array.isArray(v) && v.length === 0) && !(isMap(v) && Object.keys(v).length === 0);

/** The items of a list as written, or none when it is not a list (the schema pass reports that). */
export const itemsOf = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
