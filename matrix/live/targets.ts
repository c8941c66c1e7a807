import { byText } from "../common/order";
import { reachedAccounts, type InventoryAccount } from "../model/accounts";
import type { Assignment } from "../model/matrix";

/**
 * The shortest exact target for a set of accounts: every account, an OU, several OUs, one tag, or the list, each
 * with a few additions and exclusions where that is shorter. Each candidate is expanded with the expansion the
 * program uses (reachedAccounts) and kept only when it reaches exactly the accounts asked for. A broad target also
 * reaches accounts added later: adopt names every one it infers.
 */

export type Target = Pick<Assignment, "accounts" | "ous" | "tags" | "allAccounts" | "exclude">;

/** How a target reads: `OU Workloads less sandbox`, `every account`, `tag env=prod`, or null for a list. */
export interface InferredTarget {
  readonly target: Target;
  /** A broad target (not a list): what the report names. */
  readonly inferred: string | null;
}

export interface TargetIndex {
  readonly inventory: readonly InventoryAccount[];
  readonly nameOf: ReadonlyMap<string, string>;
  readonly byId: ReadonlyMap<string, InventoryAccount>;
  /** Accounts at or below each OU path, the management account left out (as OU targets leave it out). */
  readonly byOu: ReadonlyMap<string, ReadonlySet<string>>;
  readonly byTag: ReadonlyMap<string, ReadonlySet<string>>;
  readonly broad: ReadonlySet<string>;
}

export function targetIndex(inventory: readonly InventoryAccount[]): TargetIndex {
  const byOu = new Map<string, Set<string>>();
  const byTag = new Map<string, Set<string>>();
  const add = (map: Map<string, Set<string>>, key: string, id: string) => (map.get(key) ?? map.set(key, new Set()).get(key)!).add(id);
  const broad = new Set<string>();
  for (const a of inventory) {
    if (a.management) continue;
    broad.add(a.id);
    const parts = a.ou?.split("/") ?? [];
    for (let i = 1; i <= parts.length; i++) add(byOu, parts.slice(0, i).join("/"), a.id);
    for (const [k, v] of Object.entries(a.tags ?? {})) add(byTag, `${k}\u0000${v}`, a.id);
  }
  return { inventory, nameOf: new Map(inventory.map((a) => [a.id, a.name])), byId: new Map(inventory.map((a) => [a.id, a])), byOu, byTag, broad };
}

const difference = (a: Iterable<string>, b: ReadonlySet<string>) => [...a].filter((x) => !b.has(x));

/** How many of `a` are in `b`, walking the smaller. */
function common(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let n = 0;
  for (const x of small) if (large.has(x)) n++;
  return n;
}

export function inferTarget(accounts: ReadonlySet<string>, index: TargetIndex, infer: boolean): InferredTarget {
  const names = (ids: Iterable<string>) => [...ids].map((id) => index.nameOf.get(id)!).sort(byText);
  const list: InferredTarget = { target: { accounts: names(accounts) }, inferred: null };
  // A single account: no target is shorter than its name.
  if (!infer || accounts.size < 2) return list;
  // cost: the names written; breadth: the accounts the broad part reaches, how far it grants accounts added later.
  // Candidates are counted first; the target and its text are made only for the best.
  type Candidate = { cost: number; breadth: number; make: () => InferredTarget };
  const candidates: Candidate[] = [];
  // A base of accounts, plus the accounts it misses, less those it reaches in excess.
  const around = (base: ReadonlySet<string>, target: Target, what: string) => {
    const shared = common(accounts, base);
    candidates.push({
      cost: 1 + (accounts.size - shared) + (base.size - shared),
      breadth: base.size,
      make: () => {
        const plus = names(difference(accounts, base));
        const less = names(difference(base, accounts as Set<string>));
        return {
          target: { ...target, ...(plus.length ? { accounts: plus } : {}), ...(less.length ? { exclude: { accounts: less } } : {}) },
          inferred: `${what}${plus.length ? ` and ${plus.join(", ")}` : ""}${less.length ? ` except ${less.join(", ")}` : ""}`,
        };
      },
    });
  };
  around(index.broad, { allAccounts: true }, "every account");
  // Only the OUs and tags of the wanted accounts can be shorter than the list.
  const ous = new Set<string>();
  const tags = new Set<string>();
  for (const id of accounts) {
    const account = index.byId.get(id)!;
    const parts = account.ou?.split("/") ?? [];
    for (let i = 1; i <= parts.length; i++) ous.add(parts.slice(0, i).join("/"));
    for (const [k, v] of Object.entries(account.tags ?? {})) tags.add(`${k}\u0000${v}`);
  }
  for (const ou of ous) if (index.byOu.has(ou)) around(index.byOu.get(ou)!, { ous: [ou] }, `OU ${ou}`);
  for (const key of tags) {
    if (!index.byTag.has(key)) continue;
    const [k, v] = key.split("\u0000");
    around(index.byTag.get(key)!, { tags: { [k]: v } }, `tag ${k}=${v}`);
  }
  // Several OUs: the highest OUs whose accounts are all wanted, plus the rest by name.
  const whole = [...ous].filter((ou) => index.byOu.has(ou) && common(accounts, index.byOu.get(ou)!) === index.byOu.get(ou)!.size);
  const top = whole.filter((ou) => !whole.some((other) => ou.startsWith(`${other}/`))).sort(byText);
  if (top.length > 1) {
    const covered = new Set(top.flatMap((ou) => [...index.byOu.get(ou)!]));
    const rest = names(difference(accounts, covered));
    candidates.push({
      cost: top.length + rest.length,
      breadth: covered.size,
      make: () => ({
        target: { ous: top, ...(rest.length ? { accounts: rest } : {}) },
        inferred: `OUs ${top.join(", ")}${rest.length ? ` and ${rest.join(", ")}` : ""}`,
      }),
    });
  }
  // The list wins ties: a broad target also grants accounts added later, so it must be strictly shorter; among
  // broad targets as short, the narrowest, then the first by its text.
  const shorter = candidates.filter((c) => c.cost < accounts.size);
  if (!shorter.length) return list;
  const least = Math.min(...shorter.map((c) => c.cost));
  const narrowest = Math.min(...shorter.filter((c) => c.cost === least).map((c) => c.breadth));
  const best = shorter
    .filter((c) => c.cost === least && c.breadth === narrowest)
    .map((c) => c.make())
    .sort((x, y) => byText(x.inferred!, y.inferred!))[0];
  // Kept only when the expansion the program uses reaches exactly these accounts.
  const reached = reachedAccounts({ permissionSets: ["-"], ...best.target }, index.inventory);
  const exact = reached.length === accounts.size && reached.every((id) => accounts.has(id));
  return exact ? best : list;
}
