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

const byTarget = (a: Target, b: Target): number => byText(a.accountName, b.accountName) || byText(a.permissionSet, b.permissionSet);

/**
 * Who can use what, where. `only` limits the people computed (their grants, and which of them reach nothing) to those
 * named: a review compares only the people a change can touch. External groups are always all computed.
 */
export function effectiveAccess(valid: ValidMatrix, plan: Plan, only?: ReadonlySet<string>): EffectiveAccess {
  const { matrix } = valid;
  const members = groupMembers(matrix);
  // Per user, per target (account and set): the groups it comes through, and whether it is direct. Nested maps
  // keyed by a target key made once per assignment, not a key per user and assignment: a thousand-account
  // organization has half a million grants.
  const byUser = new Map<string, Map<string, { target: Target; groups: string[]; direct: boolean }>>();
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
  const grants: Grant[] = [];
  for (const user of users) {
    const entries = [...(byUser.get(user)?.values() ?? [])].sort((a, b) => byTarget(a.target, b.target));
    for (const { target, groups, direct } of entries) grants.push({ user, ...target, groups, direct });
  }
  return {
    grants,
    externalGrants: externalGrants.sort((a, b) => byText(a.group, b.group) || byTarget(a, b)),
    users,
    usersWithoutAccess: users.filter((u) => !byUser.has(u)),
  };
}

/** `Developers, direct`: how a user holds a grant. */
export function viaText(grant: Pick<Grant, "groups" | "direct">): string {
  return [...grant.groups, ...(grant.direct ? ["direct"] : [])].join(", ");
}
