import { byText } from "../common/order";
import type { Account, AccountSelector, Assignment } from "./matrix";

/**
 * The account inventory and how targets choose from it: by inventory name or id, OU path (an OU and everything
 * below it), tags, or all accounts; exclusions; the management account skipped by broad targets. The expansion,
 * the checks and the guardrails all choose accounts through this module.
 */

export interface InventoryAccount extends Account {
  readonly name: string;
}

/** An account Identity Center cannot assign in: suspended, or closing. */
export const isInactive = (account: Account): boolean => (account.status ?? "ACTIVE") !== "ACTIVE";

/** The organization's root as the AWS console writes it at the start of OU paths (`Root/Workloads/Prod`). */
export const ROOT_OU = "Root";

/**
 * An OU path in the one spelling the tools use: without the console's leading `Root/` (`Root/Workloads` is
 * `Workloads`); the root itself (`Root`) is the empty path.
 */
export function canonicalOu(path: string): string {
  if (path === ROOT_OU) return "";
  return path.startsWith(`${ROOT_OU}/`) ? path.slice(ROOT_OU.length + 1) : path;
}

/** An OU target: `Workloads` is the OU and every OU below it; `Workloads/*` only the accounts directly in it. */
export function ouTarget(ref: string): { path: string; direct: boolean } {
  const direct = ref === "*" || ref.endsWith("/*");
  return { path: canonicalOu(direct ? ref.slice(0, -2) || ROOT_OU : ref), direct };
}

/** The inventory as a list sorted by account id: name and account, OU paths in their one spelling. */
export function inventoryOf(accounts: Readonly<Record<string, Account>> | ReadonlyMap<string, Account>): InventoryAccount[] {
  const entries = accounts instanceof Map ? [...accounts] : Object.entries(accounts);
  return entries
    .map(([name, account]) => {
      const ou = account.ou === undefined ? undefined : canonicalOu(account.ou) || undefined;
      const { ou: _written, ...rest } = account;
      return { ...rest, ...(ou !== undefined ? { ou } : {}), name };
    })
    .sort((a, b) => byText(a.id, b.id));
}

/** `sandbox (333333333333)`: how an account is named in messages. */
export const accountLabel = (name: string, id: string): string => `${name} (${id})`;

/** The ids of the accounts an entry reaches: its targets less its exclusions (an exclusion wins over everything). */
export function reachedAccounts(entry: Assignment, inventory: readonly InventoryAccount[]): string[] {
  const excluded = selectAccounts(entry.exclude ?? {}, inventory, false);
  return [...selectAccounts(entry, inventory, true)].filter((id) => !excluded.has(id));
}

/**
 * The ids of the accounts a selector chooses: accounts named (by inventory name or id), and every account in one
 * of `ous` (or below), matching all of `tags`, or any account with `allAccounts`. With `skipManagement`, the OU,
 * tag and all-account choices leave out the management account (naming it still chooses it).
 */
export function selectAccounts(selector: AccountSelector, inventory: readonly InventoryAccount[], skipManagement: boolean): Set<string> {
  const index = indexOf(inventory);
  const chosen = new Set<string>();
  for (const ref of selector.accounts ?? []) {
    const id = index.byRef.get(ref)?.id;
    if (id !== undefined) chosen.add(id);
  }
  // Broad choices: never an account that is not ACTIVE; the management account only when it may be chosen.
  const broad = (id: string): boolean => !index.inactive.has(id) && !(skipManagement && index.management.has(id));
  const add = (ids: Iterable<string>) => {
    for (const id of ids) if (broad(id)) chosen.add(id);
  };
  if (selector.allAccounts) add(index.all);
  for (const ref of selector.ous ?? []) {
    const { path, direct } = ouTarget(ref);
    add((direct ? index.directlyIn : index.byOu).get(path) ?? []);
  }
  const tags = Object.entries(selector.tags ?? {});
  if (tags.length) {
    // Every key must match. The candidates are the accounts of the key that has fewest (counted, not copied), each
    // kept when its own value of every key is accepted: proportional to those candidates, with no set built per entry.
    const wanted = tags.map(([key, values]) => {
      const accepted = new Set((Array.isArray(values) ? values : [values]).map(String));
      const lists = [...accepted].map((value) => index.byTag.get(`${key}\u0000${value}`) ?? []);
      return { key, accepted, lists, count: lists.reduce((n, list) => n + list.length, 0) };
    });
    const fewest = wanted.reduce((a, b) => (b.count < a.count ? b : a));
    for (const list of fewest.lists) {
      for (const id of list) {
        const own = index.tagsOf.get(id)!;
        if (wanted.every((w) => w.accepted.has(own.get(w.key)!)) && broad(id)) chosen.add(id);
      }
    }
  }
  return chosen;
}

/** The account an `accounts` item names, by inventory name or id. */
export function accountByRef(inventory: readonly InventoryAccount[], ref: string): InventoryAccount | undefined {
  return indexOf(inventory).byRef.get(ref);
}

/** Lookups over one inventory, built once per inventory: selecting is then proportional to what is selected. */
interface AccountIndex {
  readonly all: readonly string[];
  readonly management: ReadonlySet<string>;
  /** Accounts whose status is not ACTIVE: broad targets skip them. */
  readonly inactive: ReadonlySet<string>;
  /** Inventory name and id to the account (a name to its own account, even where ids repeat: `check` reports that). */
  readonly byRef: ReadonlyMap<string, InventoryAccount>;
  /** OU path to the ids of every account in it or below. */
  readonly byOu: ReadonlyMap<string, readonly string[]>;
  /** OU path to the ids of the accounts directly in it ("" for the root). */
  readonly directlyIn: ReadonlyMap<string, readonly string[]>;
  /** `key\0value` to the ids of the accounts with that tag. */
  readonly byTag: ReadonlyMap<string, readonly string[]>;
  /** Id to the account's tags. */
  readonly tagsOf: ReadonlyMap<string, ReadonlyMap<string, string>>;
}

const indexes = new WeakMap<readonly InventoryAccount[], AccountIndex>();

function indexOf(inventory: readonly InventoryAccount[]): AccountIndex {
  const known = indexes.get(inventory);
  if (known) return known;
  const byRef = new Map<string, InventoryAccount>();
  const byOu = new Map<string, string[]>();
  const directlyIn = new Map<string, string[]>();
  const byTag = new Map<string, string[]>();
  const push = (map: Map<string, string[]>, key: string, id: string) => {
    if (!map.has(key)) map.set(key, []);
    map.get(key)!.push(id);
  };
  for (const a of inventory) {
    byRef.set(a.name, a);
    byRef.set(a.id, a);
    for (const ou of ouPrefixes(a.ou)) push(byOu, ou, a.id);
    push(directlyIn, a.ou ?? "", a.id);
    for (const [key, value] of Object.entries(a.tags ?? {})) push(byTag, `${key}\u0000${value}`, a.id);
  }
  const index = {
    all: inventory.map((a) => a.id),
    management: new Set(inventory.filter((a) => a.management).map((a) => a.id)),
    inactive: new Set(inventory.filter((a) => isInactive(a)).map((a) => a.id)),
    byRef,
    byOu,
    directlyIn,
    byTag,
    tagsOf: new Map(inventory.map((a) => [a.id, new Map(Object.entries(a.tags ?? {}).map(([k, v]) => [k, String(v)]))])),
  };
  indexes.set(inventory, index);
  return index;
}

/** Everything an OU target can name: each account's OU and all of its ancestors. */
export function ouPrefixes(ou: string | undefined): string[] {
  if (!ou) return [];
  const parts = ou.split("/");
  return parts.map((_, i) => parts.slice(0, i + 1).join("/"));
}

/** Every OU path a target can name in this inventory: each account's OU and all of its ancestors. */
export function ouTargets(inventory: readonly InventoryAccount[]): Set<string> {
  return new Set(inventory.flatMap((a) => ouPrefixes(a.ou)));
}

/** The values each tag key has in this inventory. */
export function tagValues(inventory: readonly InventoryAccount[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const account of inventory) {
    for (const [k, v] of Object.entries(account.tags ?? {})) {
      if (!out.has(k)) out.set(k, new Set());
      out.get(k)!.add(v);
    }
  }
  return out;
}
