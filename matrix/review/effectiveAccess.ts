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
  readonly groups: string[];
  direct: boolean;
}

/** Effective access before it is listed: per user, per target key, how the user holds it. */
export interface AccessIndex {
  /** Users of the file that reach something, each with their targets (in no order). */
  readonly byUser: ReadonlyMap<string, ReadonlyMap<string, Held>>;
  /** Sorted by group, account name, permission set. */
  readonly externalGrants: readonly ExternalGrant[];
  /** Every user of the file (or of `only`), sorted. */
  readonly users: readonly string[];
}

/**
 * Who can use what, where, indexed. `only` limits the people computed (their grants, and which of them reach nothing)
 * to those named: a review compares only the people a change can touch. External groups are always all computed.
 */
export function accessIndex(valid: ValidMatrix, plan: Plan, only?: ReadonlySet<string>): AccessIndex {
  const { matrix } = valid;
  const members = groupMembers(matrix);
  // Nested maps keyed by a target key made once per assignment, not a key per user and assignment: a
  // thousand-account organization has half a million grants.
  const byUser = new Map<string, Map<string, Held>>();
  const externalGrants: ExternalGrant[] = [];
  const grant = (user: string, key: string, target: Target) => {
    let targets = byUser.get(user);
    if (!targets) byUser.set(user, (targets = new Map()));
    let entry = targets.get(key);
    if (!entry) targets.set(key, (entry = { target, groups: [], direct: false }));
    return entry;
  };
  for (const row of plan.assignments) {
    const target: Target = { accountId: row.accountId, accountName: row.accountName, permissionSet: row.permissionSet };
    const key = targetKey(target);
    if (row.principalType === "USER") {
      if (!only || only.has(row.principalName)) grant(row.principalName, key, target).direct = true;
      continue;
    }
    const group = matrix.groups![row.principalName];
    if (group.external) {
      externalGrants.push({ group: row.principalName, displayName: group.displayName ?? row.principalName, ...target });
      continue;
    }
    // Rows come sorted by group, and a group reaches a target once: each list of groups is sorted and distinct.
    for (const user of members.get(row.principalName)!) if (!only || only.has(user)) grant(user, key, target).groups.push(row.principalName);
  }
  const users = Object.keys(matrix.users ?? {})
    .filter((u) => !only || only.has(u))
    .sort(byText);
  return { byUser, externalGrants: externalGrants.sort((a, b) => byText(a.group, b.group) || byTarget(a, b)), users };
}

/** A user's holdings in target order (account name, then permission set). */
export function heldInOrder(index: AccessIndex, user: string): Held[] {
  return [...(index.byUser.get(user)?.values() ?? [])].sort((a, b) => byTarget(a.target, b.target));
}

/** Who can use what, where, listed: the index's grants, one per user and target. */
export function effectiveAccess(valid: ValidMatrix, plan: Plan, only?: ReadonlySet<string>): EffectiveAccess {
  const index = accessIndex(valid, plan, only);
  const grants: Grant[] = [];
  for (const user of index.users) for (const { target, groups, direct } of heldInOrder(index, user)) grants.push({ user, ...target, groups, direct });
  return {
    grants,
    externalGrants: index.externalGrants,
    users: index.users,
    usersWithoutAccess: index.users.filter((u) => !index.byUser.has(u)),
  };
}

/** `Developers, direct`: how a user holds a grant. */
export function viaText(grant: Pick<Grant, "groups" | "direct">): string {
  const groups = grant.groups.join(", ");
  return grant.direct ? (groups ? `${groups}, direct` : "direct") : groups;
}

/** The length of viaText(grant), without making it. */
export function viaLength(grant: Pick<Grant, "groups" | "direct">): number {
  let length = grant.direct ? 6 : 0;
  for (const group of grant.groups) length += group.length + 2;
  return length - (grant.direct || grant.groups.length === 0 ? 0 : 2);
}
