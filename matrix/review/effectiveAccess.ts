import { byText } from "../common/order";
import type { Plan } from "../expand/plan";
import type { ValidMatrix } from "../model/matrix";
import { groupMembers } from "../model/members";

/**
 * Effective access: who can use which permission set in which account, and through what. Computed from the plan's
 * assignments (the same rows the Pulumi program declares) and the group memberships the program creates.
 */

/** One permission set in one account. */
export interface Target {
  readonly accountId: string;
  /** The account's inventory name. */
  readonly accountName: string;
  readonly permissionSet: string;
}

/** A user's access to one permission set in one account. */
export interface Grant extends Target {
  readonly user: string;
  /** Groups the access comes through, sorted. */
  readonly groups: readonly string[];
  /** Assigned to the user directly. */
  readonly direct: boolean;
}

/** Access held by an external group, whose members are managed outside access.yaml. */
export interface ExternalGrant extends Target {
  readonly group: string;
  readonly displayName: string;
}

export interface EffectiveAccess {
  /** Sorted by user, account name, permission set. */
  readonly grants: readonly Grant[];
  /** Sorted by group, account name, permission set. */
  readonly externalGrants: readonly ExternalGrant[];
  /** Every user of the file, sorted. */
  readonly users: readonly string[];
  /** Users of the file that reach no account. */
  readonly usersWithoutAccess: readonly string[];
}

export const targetKey = (t: Target): string => `${t.accountId}\u0000${t.permissionSet}`;

export const byTarget = (a: Target, b: Target): number => byText(a.accountName, b.accountName) || byText(a.permissionSet, b.permissionSet);

/** How one user holds one target: the groups it comes through (sorted, distinct), and whether it is direct. */
export interface Held {
  readonly target: Target;
  readonly groups: readonly string[];
  readonly direct: boolean;
}

/**
 * Effective access before it is expanded to people: the assignment entries of groups and users, as numbers. A
 * target is its place in target order (account name, then permission set); a user is their place in name order.
 * A thousand-account organization has half a million grants and only twenty thousand assignments: people are
 * expanded only while they are walked (heldBy, holders), and nothing per grant is kept.
 */
export interface AccessIndex {
  /** Every target some assignment reaches, in target order. */
  readonly targets: readonly Target[];
  /** Every user of the file (or of `only`), sorted. */
  readonly users: readonly string[];
  /** Sorted by group, account name, permission set. */
  readonly externalGrants: readonly ExternalGrant[];
  /** Per user (by place): the groups the file makes them a member of that reach something, sorted. */
  readonly groupsOf: readonly (readonly string[])[];
  /** Per group the file creates: the targets it reaches, ascending; and its members (places), ascending. */
  readonly groups: ReadonlyMap<string, { readonly targets: Int32Array; readonly members: Int32Array; readonly alone: readonly string[] }>;
  /** Per user (by place): the targets assigned to the user directly, ascending (absent: none). */
  readonly direct: readonly (Int32Array | undefined)[];
  /** Per target: the groups that reach it (sorted) and the users assigned it directly (places, ascending). */
  readonly holders: readonly { readonly groups: readonly string[]; readonly users: readonly number[] }[];
}

/**
 * Who can use what, where, indexed. `only` limits the people computed (their grants, and which of them reach nothing)
 * to those named: a review compares only the people a change can touch. External groups are always all computed.
 */
export function accessIndex(valid: ValidMatrix, plan: Plan, only?: ReadonlySet<string>): AccessIndex {
  const { matrix } = valid;
  const users = Object.keys(matrix.users ?? {})
    .filter((u) => !only || only.has(u))
    .sort(byText);
  const place = new Map(users.map((u, i) => [u, i]));
  // The groups the file creates, in name order (so each user's groups, and each target's, come out sorted), with
  // the members computed here; a group none of them is in is left out, with its rows.
  const memberPlaces = new Map<string, Int32Array>();
  for (const [group, members] of groupMembers(matrix)) {
    const places = Int32Array.from(members.flatMap((m) => place.get(m) ?? []));
    if (places.length) memberPlaces.set(group, places);
  }
  const rows = plan.assignments.filter((row) =>
    row.principalType === "USER" ? place.has(row.principalName) : matrix.groups![row.principalName].external || memberPlaces.has(row.principalName),
  );
  // Each target once, numbered in target order.
  const byKey = new Map<string, Target>();
  const keys = rows.map((row) => {
    const key = targetKey(row);
    if (!byKey.has(key)) byKey.set(key, { accountId: row.accountId, accountName: row.accountName, permissionSet: row.permissionSet });
    return key;
  });
  const targets = [...byKey.values()].sort(byTarget);
  const rank = new Map(targets.map((t, i) => [targetKey(t), i]));
  const groupTargets = new Map<string, number[]>();
  const directTargets = new Map<number, number[]>();
  const externalGrants: ExternalGrant[] = [];
  const add = <K>(lists: Map<K, number[]>, key: K, at: number) => {
    const list = lists.get(key);
    if (list) list.push(at);
    else lists.set(key, [at]);
  };
  rows.forEach((row, i) => {
    const at = rank.get(keys[i])!;
    if (row.principalType === "USER") return add(directTargets, place.get(row.principalName)!, at);
    const group = matrix.groups![row.principalName];
    if (!group.external) return add(groupTargets, row.principalName, at);
    externalGrants.push({ group: row.principalName, displayName: group.displayName ?? row.principalName, ...targets[at] });
  });
  const groups = new Map<string, { targets: Int32Array; members: Int32Array; alone: string[] }>();
  const groupsOf: string[][] = users.map(() => []);
  for (const [group, members] of memberPlaces) {
    const reached = groupTargets.get(group);
    if (!reached) continue;
    for (const p of members) groupsOf[p].push(group);
    groups.set(group, { targets: Int32Array.from(reached).sort(), members, alone: [group] });
  }
  const direct = users.map((_, p) => {
    const list = directTargets.get(p);
    return list ? Int32Array.from(list).sort() : undefined;
  });
  let holders: AccessIndex["holders"] | undefined;
  return {
    targets,
    users,
    externalGrants: externalGrants.sort((a, b) => byText(a.group, b.group) || byTarget(a, b)),
    groupsOf,
    groups,
    direct,
    // Made on first use: only the by-target walk (holdersOf) needs them.
    get holders() {
      if (!holders) {
        const made = targets.map(() => ({ groups: [] as string[], users: [] as number[] }));
        for (const [group, { targets: reached }] of groups) for (const at of reached) made[at].groups.push(group);
        direct.forEach((list, p) => list?.forEach((at) => made[at].users.push(p)));
        holders = made;
      }
      return holders;
    },
  };
}

/** Whether the user (by place) reaches any target. */
export const reachesAny = (index: AccessIndex, user: number): boolean => index.groupsOf[user].length > 0 || index.direct[user] !== undefined;

/**
 * A user's holdings (by place) in target order: the sorted target lists of their groups and of their direct
 * assignments, merged. A user in one group holds exactly that group's list.
 */
export function heldBy(index: AccessIndex, user: number, visit: (held: Held) => void): void {
  const names = index.groupsOf[user];
  const direct = index.direct[user];
  if (names.length === 1 && !direct) {
    const { targets, alone } = index.groups.get(names[0])!;
    for (const at of targets) visit({ target: index.targets[at], groups: alone, direct: false });
    return;
  }
  const lists = names.map((g) => index.groups.get(g)!.targets);
  const heads = lists.map(() => 0);
  let d = 0;
  for (;;) {
    let next = direct && d < direct.length ? direct[d] : Infinity;
    for (let i = 0; i < lists.length; i++) if (heads[i] < lists[i].length && lists[i][heads[i]] < next) next = lists[i][heads[i]];
    if (next === Infinity) return;
    const groups: string[] = [];
    for (let i = 0; i < lists.length; i++) {
      if (lists[i][heads[i]] === next) {
        groups.push(names[i]);
        heads[i]++;
      }
    }
    const isDirect = direct !== undefined && direct[d] === next;
    if (isDirect) d++;
    visit({ target: index.targets[next], groups, direct: isDirect });
  }
}

/**
 * The users holding one target, in name order, each with how: the members of the groups that reach it and the
 * users assigned it directly, merged.
 */
export function holdersOf(index: AccessIndex, at: number, visit: (user: number, held: Held) => void): void {
  const target = index.targets[at];
  const { groups, users } = index.holders[at];
  if (groups.length === 1 && users.length === 0) {
    const { members, alone } = index.groups.get(groups[0])!;
    for (const user of members) visit(user, { target, groups: alone, direct: false });
    return;
  }
  const how = new Map<number, { groups: string[]; direct: boolean }>();
  const entry = (user: number) => {
    let found = how.get(user);
    if (!found) how.set(user, (found = { groups: [], direct: false }));
    return found;
  };
  for (const group of groups) for (const user of index.groups.get(group)!.members) entry(user).groups.push(group);
  for (const user of users) entry(user).direct = true;
  for (const user of Int32Array.from(how.keys()).sort()) {
    const { groups: through, direct } = how.get(user)!;
    visit(user, { target, groups: through, direct });
  }
}

/** Who can use what, where, listed: the index's grants, one per user and target. */
export function effectiveAccess(valid: ValidMatrix, plan: Plan, only?: ReadonlySet<string>): EffectiveAccess {
  const index = accessIndex(valid, plan, only);
  const grants: Grant[] = [];
  index.users.forEach((user, p) => heldBy(index, p, ({ target, groups, direct }) => grants.push({ user, ...target, groups, direct })));
  return {
    grants,
    externalGrants: index.externalGrants,
    users: index.users,
    usersWithoutAccess: index.users.filter((_, p) => !reachesAny(index, p)),
  };
}

/** `Developers, direct`: how a user holds a grant. */
export function viaText(grant: Pick<Grant, "groups" | "direct">): string {
  if (grant.groups.length === 1 && !grant.direct) return grant.groups[0];
  const groups = grant.groups.join(", ");
  return grant.direct ? (groups ? `${groups}, direct` : "direct") : groups;
}

/** The length of viaText(grant), without making it. */
export function viaLength(grant: Pick<Grant, "groups" | "direct">): number {
  let length = grant.direct ? 6 : 0;
  for (const group of grant.groups) length += group.length + 2;
  return length - (grant.direct || grant.groups.length === 0 ? 0 : 2);
}
