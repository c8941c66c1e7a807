import { byText } from "../common/order";
import type { Plan } from "../expand/plan";
import { accountLabel, canonicalOu } from "../model/accounts";
import type { Account, ValidMatrix } from "../model/matrix";
import type { Snapshot } from "./snapshot";
import { compareStates, declaredState, liveState, membershipParts, type AssignmentState, type EntityDifferences, type FieldChange } from "./state";

/**
 * Drift: how a live Identity Center (a snapshot) differs from what the access file declares, in the file's terms:
 * principals by their keys in the file where it has them, accounts by inventory name and id. Made by hand (live,
 * not declared), missing (declared, not live), changed fields, assignments and memberships of principals that no
 * longer exist, and inventory facts that differ from AWS Organizations.
 */

export interface DriftAccount {
  readonly name: string;
  readonly id: string;
}

export interface DriftAssignment {
  readonly principalType: "GROUP" | "USER";
  /** The principal's key in the file, else its display name (group) or user name in AWS. */
  readonly principal: string;
  readonly permissionSet: string;
  readonly account: DriftAccount;
}

export interface InventoryFact {
  readonly account: DriftAccount;
  readonly fact: "OU" | "tags" | "management account" | "status";
  readonly file: string;
  readonly organizations: string;
}

export interface Drift {
  readonly drifted: boolean;
  /** The snapshot's region differs from the file's identityCenter.region: nothing else is comparable. */
  readonly region: { readonly file: string; readonly snapshot: string } | null;
  readonly assignments: { readonly madeByHand: readonly DriftAssignment[]; readonly missing: readonly DriftAssignment[] };
  readonly memberships: { readonly madeByHand: readonly [group: string, user: string][]; readonly missing: readonly [group: string, user: string][] };
  readonly permissionSets: EntityDifferences;
  /** The instance's attributes for access control, by key. */
  readonly accessControlAttributes: EntityDifferences;
  readonly groups: EntityDifferences;
  readonly users: EntityDifferences;
  /** Assignments and memberships that name a group or user that no longer exists. */
  readonly orphans: readonly string[];
  readonly inventory: {
    /** Accounts of the file that AWS Organizations does not list. */
    readonly notInOrganization: readonly DriftAccount[];
    readonly differs: readonly InventoryFact[];
    /** Accounts of the organization that the file's inventory lacks: no broad target reaches them. */
    readonly notInFile: readonly DriftAccount[];
  };
}

export function driftOf(valid: ValidMatrix, plan: Plan, snapshot: Snapshot): Drift {
  const { matrix } = valid;
  const fileRegion = matrix.identityCenter.region;
  const differences = compareStates(declaredState(plan), liveState(snapshot));
  // Names the file uses: group keys by display name, account names by id (else Organizations' name).
  const groupKey = new Map(Object.entries(matrix.groups ?? {}).map(([key, g]) => [g.displayName ?? key, key]));
  const inventoryName = new Map(Object.entries(matrix.accounts).map(([name, a]) => [a.id, name]));
  const orgAccounts = new Map(snapshot.accounts.map((a) => [a.Id, a]));
  const account = (id: string): DriftAccount => ({ name: inventoryName.get(id) ?? orgAccounts.get(id)?.Name ?? "?", id });
  const principal = (a: AssignmentState) => (a.principalType === "GROUP" ? (groupKey.get(a.principal) ?? a.principal) : a.principal);
  const assignment = (a: AssignmentState): DriftAssignment => ({
    principalType: a.principalType,
    principal: principal(a),
    permissionSet: a.permissionSet,
    account: account(a.accountId),
  });
  const membership = (key: string): [string, string] => {
    const [group, user] = membershipParts(key);
    return [groupKey.get(group) ?? group, user];
  };

  const orphans = orphansOf(snapshot, account);
  const { notInOrganization, differs, notInFile } = inventoryDrift(valid, snapshot);
  const drift = {
    region: fileRegion === snapshot.region ? null : { file: fileRegion, snapshot: snapshot.region },
    assignments: { madeByHand: differences.assignments.onlyLive.map(assignment), missing: differences.assignments.onlyDeclared.map(assignment) },
    memberships: { madeByHand: differences.memberships.onlyLive.map(membership), missing: differences.memberships.onlyDeclared.map(membership) },
    permissionSets: differences.permissionSets,
    accessControlAttributes: differences.accessControlAttributes,
    groups: renameGroups(differences.groups, groupKey),
    users: differences.users,
    orphans,
    inventory: { notInOrganization, differs, notInFile },
  };
  const drifted =
    drift.region !== null ||
    [
      drift.assignments.madeByHand,
      drift.assignments.missing,
      drift.memberships.madeByHand,
      drift.memberships.missing,
      orphans,
      notInOrganization,
      differs,
      notInFile,
    ].some((list) => list.length > 0) ||
    [drift.permissionSets, drift.accessControlAttributes, drift.groups, drift.users].some(
      (e) => e.onlyDeclared.length + e.onlyLive.length + e.changed.length > 0,
    );
  return { drifted, ...drift };
}

/** Assignments and memberships that name a group or user the snapshot no longer has. */
function orphansOf(snapshot: Snapshot, account: (id: string) => DriftAccount): string[] {
  const groups = new Set(snapshot.groups.map((g) => g.GroupId));
  const users = new Set(snapshot.users.map((u) => u.UserId));
  const setNames = new Map(snapshot.permissionSets.map((s) => [s.PermissionSetArn, s.Name]));
  return [
    ...snapshot.accountAssignments
      .filter((a) => !(a.PrincipalType === "GROUP" ? groups : users).has(a.PrincipalId))
      .map(
        (a) =>
          `${setNames.get(a.PermissionSetArn)} in ${accountLabel(account(a.AccountId).name, a.AccountId)} is assigned to ${a.PrincipalType.toLowerCase()} ${a.PrincipalId}, which no longer exists`,
      ),
    ...snapshot.groupMemberships
      .filter((m) => !groups.has(m.GroupId) || !users.has(m.MemberId.UserId))
      .map((m) => `membership ${m.MembershipId} names ${groups.has(m.GroupId) ? `user ${m.MemberId.UserId}` : `group ${m.GroupId}`}, which no longer exists`),
  ].sort(byText);
}

/** What Organizations says of accounts: all an inventory is compared with (a snapshot has it, and so does the program). */
export type OrganizationFacts = Pick<Snapshot, "accounts" | "managementAccountId">;

/**
 * The accounts of the organization an inventory describes: not a CLOSED one (Organizations lists it for a while
 * after it left), nor one still being created (PENDING_ACTIVATION): the inventory has no status for either.
 */
export const describedAccounts = (accounts: OrganizationFacts["accounts"]): OrganizationFacts["accounts"] =>
  accounts.filter((a) => a.Status !== "CLOSED" && a.Status !== "PENDING_ACTIVATION");

/** Tags as `env=prod, team=web`, sorted by key; `(none)` for none. */
export const tagText = (list: [string, string][]): string =>
  list
    .sort((x, y) => byText(x[0], y[0]))
    .map(([k, v]) => `${k}=${v}`)
    .join(", ") || "(none)";

/**
 * The facts of one account that the file states differently from Organizations: its OU path (as the console or not,
 * the same path), tags, management flag (when Organizations names its management account) and status.
 */
export function accountDifferences(a: Account, live: Snapshot["accounts"][number], managementAccountId: string | undefined): Omit<InventoryFact, "account">[] {
  const out: Omit<InventoryFact, "account">[] = [];
  const fact = (f: InventoryFact["fact"], file: string, organizations: string) => {
    if (file !== organizations) out.push({ fact: f, file, organizations });
  };
  fact("OU", (a.ou !== undefined && canonicalOu(a.ou)) || "(the root)", live.Path?.length ? live.Path.join("/") : "(the root)");
  fact("tags", tagText(Object.entries(a.tags ?? {})), tagText((live.Tags ?? []).map((t) => [t.Key, t.Value])));
  if (managementAccountId !== undefined) fact("management account", a.management ? "yes" : "no", managementAccountId === a.id ? "yes" : "no");
  fact("status", a.status ?? "ACTIVE", live.Status ?? "ACTIVE");
  return out;
}

/** The file's inventory against AWS Organizations: accounts missing on either side, and facts that differ. */
export function inventoryDrift({ matrix }: ValidMatrix, organization: OrganizationFacts): Drift["inventory"] {
  const described = describedAccounts(organization.accounts);
  const orgAccounts = new Map(described.map((a) => [a.Id, a]));
  const inventoryName = new Map(Object.entries(matrix.accounts).map(([name, a]) => [a.id, name]));
  const notInOrganization: DriftAccount[] = [];
  const differs: InventoryFact[] = [];
  for (const [name, a] of Object.entries(matrix.accounts).sort((x, y) => byText(x[0], y[0]))) {
    const live = orgAccounts.get(a.id);
    const here = { name, id: a.id };
    if (!live) notInOrganization.push(here);
    else differs.push(...accountDifferences(a, live, organization.managementAccountId).map((d) => ({ account: here, ...d })));
  }
  const notInFile = described
    .filter((a) => !inventoryName.has(a.Id))
    .map((a) => ({ name: a.Name, id: a.Id }))
    .sort((x, y) => byText(x.name, y.name) || byText(x.id, y.id));
  return { notInOrganization, differs, notInFile };
}

/** Groups by their keys in the file where it has them. */
function renameGroups(e: EntityDifferences, groupKey: ReadonlyMap<string, string>): EntityDifferences {
  const key = (name: string) => groupKey.get(name) ?? name;
  return {
    onlyDeclared: e.onlyDeclared.map(key),
    onlyLive: e.onlyLive,
    changed: e.changed.map((c): FieldChange => ({ ...c, name: key(c.name) })),
  };
}
