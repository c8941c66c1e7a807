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

export function effectiveAccess(valid: ValidMatrix, plan: Plan): EffectiveAccess {
  const { matrix } = valid;
  const members = groupMembers(matrix);
  const grants = new Map<string, { user: string; target: Target; groups: Set<string>; direct: boolean }>();
  const externalGrants: ExternalGrant[] = [];
  const grant = (user: string, target: Target) => {
    const key = `${user}\u0000${targetKey(target)}`;
    if (!grants.has(key)) grants.set(key, { user, target, groups: new Set(), direct: false });
    return grants.get(key)!;
  };
  for (const row of plan.assignments) {
    const target: Target = { accountId: row.accountId, accountName: row.accountName, permissionSet: row.permissionSet };
    if (row.principalType === "USER") {
      grant(row.principalName, target).direct = true;
      continue;
    }
    const group = matrix.groups![row.principalName];
    if (group.external) {
      externalGrants.push({ group: row.principalName, displayName: group.displayName ?? row.principalName, ...target });
      continue;
    }
    for (const user of members.get(row.principalName)!) grant(user, target).groups.add(row.principalName);
  }
  const users = Object.keys(matrix.users ?? {}).sort(byText);
  const sorted = [...grants.values()]
    .map(({ user, target, groups, direct }) => ({ user, ...target, groups: [...groups].sort(byText), direct }))
    .sort((a, b) => byText(a.user, b.user) || byTarget(a, b));
  const reached = new Set(sorted.map((g) => g.user));
  return {
    grants: sorted,
    externalGrants: externalGrants.sort((a, b) => byText(a.group, b.group) || byTarget(a, b)),
    users,
    usersWithoutAccess: users.filter((u) => !reached.has(u)),
  };
}

/** `Developers, direct`: how a user holds a grant. */
export function viaText(grant: Pick<Grant, "groups" | "direct">): string {
  return [...grant.groups, ...(grant.direct ? ["direct"] : [])].join(", ");
}
