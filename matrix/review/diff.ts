import { isManagedPolicyReason } from "../aws/privilege";
import { byText, groupBy, sortedRecord } from "../common/order";
import { plural, verb } from "../common/words";
import { assignmentKey } from "../expand/assignments";
import type { AssignmentRow, Plan, Value } from "../expand/plan";
import { accountLabel, canonicalOu, inventoryOf, type InventoryAccount } from "../model/accounts";
import type { Matrix, ValidMatrix } from "../model/matrix";
import { groupMembers } from "../model/members";
import { privilegedSets } from "../model/privileged";
import { guardedAccounts } from "../checks/guardrails";
import { AccountSchema, GroupSchema, IdentityCenterSchema, PermissionSetSchema, UserSchema } from "../validate/schema";
import {
  declaresDifferently,
  entityChanges,
  fieldChanges,
  labelsOf,
  otherChanges,
  same,
  shapeFrom,
  shapedKeys,
  shapes,
  type EntityChanges,
  type FieldChange,
  type Shape,
} from "./declared";
import { effectiveAccess, targetKey, viaText, type EffectiveAccess, type Grant, type Target } from "./effectiveAccess";
import { checkRemovals, deployedOf } from "./removalGuard";

export type { EntityChanges, FieldChange } from "./declared";

/**
 * The access change between two versions of access.yaml, in people's terms: who gains and loses what, where, and
 * why (assignments, memberships, permission set content, inventory). Both sides are expanded by the same code as
 * the Pulumi program, so the diff describes exactly the change a deployment would make.
 */

/** A matrix with its expansion. */
export interface Snapshot {
  readonly matrix: Matrix;
  readonly plan: Plan;
  /** The members of each group created here (model/members.ts). */
  readonly members: ReadonlyMap<string, readonly string[]>;
  /** Effective access of the people named (everyone when none are), computed when asked. */
  accessOf(only?: ReadonlySet<string>): EffectiveAccess;
  /** Privileged permission sets and why (matrix/aws/privilege.ts). */
  readonly privileged: ReadonlyMap<string, readonly string[]>;
}

export function snapshot(valid: ValidMatrix, plan: Plan): Snapshot {
  return {
    matrix: valid.matrix,
    plan,
    members: groupMembers(valid.matrix),
    accessOf: (only) => effectiveAccess(valid, plan, only),
    privileged: privilegedSets(valid.matrix, valid.inlinePolicies, "review"),
  };
}

/**
 * The people a change can touch: those in an assignment granted or revoked (a user, or every member of a group on
 * either side), whose memberships change, who hold a set whose privilege changes, or whose email changes. Everyone
 * else has the same grants on both sides, so the review expands only these to people.
 */
/** The people an assignment reaches on one side: its user, or its group's members; null for an external group (members unknown). */
function rowHolders(side: Snapshot, row: AssignmentRow): readonly string[] | null {
  return row.principalType === "USER" ? [row.principalName] : (side.members.get(row.principalName) ?? null);
}

function touched(before: Snapshot, after: Snapshot): Set<string> {
  const people = new Set<string>();
  const holders = (side: Snapshot, row: AssignmentRow) => rowHolders(side, row) ?? [];
  const { added, removed } = delta(before.plan.assignments, after.plan.assignments, assignmentKey);
  for (const row of [...added, ...removed]) for (const side of [before, after]) for (const u of holders(side, row)) people.add(u);
  for (const group of new Set([...before.members.keys(), ...after.members.keys()])) {
    const [was, is] = [new Set(before.members.get(group) ?? []), new Set(after.members.get(group) ?? [])];
    for (const u of was) if (!is.has(u)) people.add(u);
    for (const u of is) if (!was.has(u)) people.add(u);
  }
  const sets = new Set([...before.privileged.keys(), ...after.privileged.keys()]);
  const changedSets = new Set([...sets].filter((s) => JSON.stringify(before.privileged.get(s)) !== JSON.stringify(after.privileged.get(s))));
  for (const side of [before, after])
    for (const row of side.plan.assignments) if (changedSets.has(row.permissionSet)) for (const u of holders(side, row)) people.add(u);
  for (const [user, u] of Object.entries(after.matrix.users ?? {})) {
    const was = before.matrix.users?.[user];
    if (was && (was.email !== u.email || Boolean(was.external) !== Boolean(u.external))) people.add(user);
  }
  return people;
}

/**
 * People whose access is computed once for them all: the same groups on both sides and no direct assignment on
 * either hold the same grants, through the same groups, on both sides. Five thousand people in one group, given one
 * more account, are one computation of a thousand grants, not five million. A user with a direct assignment is a
 * class of their own.
 */
interface Alike {
  /** One person of each class, whose access stands for the class. */
  readonly representatives: ReadonlySet<string>;
  /** Each representative's class, the representative included, sorted. */
  readonly classOf: ReadonlyMap<string, readonly string[]>;
}

function alike(before: Snapshot, after: Snapshot, people: ReadonlySet<string>): Alike {
  const groupsOf = new Map<string, string[]>();
  for (const [side, mark] of [
    [before, "<"],
    [after, ">"],
  ] as const) {
    for (const [group, members] of side.members)
      for (const u of members) if (people.has(u)) (groupsOf.get(u) ?? groupsOf.set(u, []).get(u)!).push(`${mark}${group}`);
    for (const row of side.plan.assignments)
      if (row.principalType === "USER" && people.has(row.principalName)) groupsOf.set(row.principalName, [`=${row.principalName}`]);
  }
  const classes = new Map<string, string[]>();
  for (const u of [...people].sort(byText)) {
    const groups = groupsOf.get(u) ?? [`=${u}`];
    const key = groups[0].startsWith("=") ? groups[0] : groups.sort(byText).join("\u0000");
    (classes.get(key) ?? classes.set(key, []).get(key)!).push(u);
  }
  const classOf = new Map([...classes.values()].map((members) => [members[0], members]));
  return { representatives: new Set(classOf.keys()), classOf };
}

export interface AccountRef {
  readonly name: string;
  readonly id: string;
}

/** A user's access gained or lost: a permission set in an account, and what it comes through. */
export interface PersonAccess extends Target {
  /** `Developers`, `direct`, or both. */
  readonly via: string;
}

/** People whose access changes alike: the same grants gained and lost, through the same groups (often one person). */
export interface PersonChange {
  /** Sorted. */
  readonly users: readonly string[];
  readonly gained: readonly PersonAccess[];
  readonly lost: readonly PersonAccess[];
}

export interface ExternalGroupChange {
  readonly group: string;
  readonly displayName: string;
  readonly gained: readonly Target[];
  readonly lost: readonly Target[];
}

/** An assignment granted or revoked, with the people it reaches (null: an external group, members unknown). */
export interface AssignmentChange extends AssignmentRow {
  readonly users: readonly string[] | null;
}

export interface MembershipChange {
  readonly group: string;
  readonly added: readonly string[];
  readonly removed: readonly string[];
}

export interface PermissionSetChange {
  readonly name: string;
  readonly kind: "added" | "removed" | "changed";
  readonly changes: readonly FieldChange[];
  /** Accounts where the set is assigned (after the change; before it, for a removed set). */
  readonly accounts: readonly AccountRef[];
  /** People who hold the set somewhere. */
  readonly people: readonly string[];
  /** External groups that hold the set: their members are affected too. */
  readonly externalGroups: readonly string[];
}

export interface PrivilegedGain {
  /** What makes it privileged: a managed policy name such as AdministratorAccess, or another reason (matrix/aws/privilege.ts). */
  readonly reason: string;
  readonly people: readonly string[];
  /** External groups: everyone in them gains it. */
  readonly externalGroups: readonly string[];
  readonly accounts: readonly AccountRef[];
}

export interface AccessDiff {
  /** One line for a reviewer, e.g. "2 people gain AdministratorAccess in 1 account; ...". */
  readonly risk: string;
  /** Anything at all changes in what a deployment declares. */
  readonly changed: boolean;
  /** The Identity Center instance: home region (where every resource lives) and start URL (the portal). */
  readonly settings: readonly FieldChange[];
  /** Changes to the guardrails, by dotted rule path (privileged.groups, maxSessionDuration): the rules that judge this very file. */
  readonly guardrails: readonly FieldChange[];
  /** When the removal guard (default limits) would stop `pulumi up` of this change: why, and the key that allows it. */
  readonly removalGuard: { readonly reasons: readonly string[]; readonly fingerprint: string } | null;
  readonly privilegedGains: readonly PrivilegedGain[];
  readonly people: readonly PersonChange[];
  readonly externalGroups: readonly ExternalGroupChange[];
  readonly granted: readonly AssignmentChange[];
  readonly revoked: readonly AssignmentChange[];
  readonly memberships: readonly MembershipChange[];
  readonly users: EntityChanges;
  readonly groups: EntityChanges;
  readonly accounts: EntityChanges;
  readonly permissionSets: readonly PermissionSetChange[];
  /**
   * Declarations outside the sections above (a membership or an assignment) that stay but get other inputs, which
   * replaces them: a user or group that changes between created and looked up gives its memberships and
   * assignments another principal id. Here so that no declared change can go unreported.
   */
  readonly resources: readonly { readonly key: string; readonly changes: readonly FieldChange[] }[];
  /**
   * Users who hold privileged access after the change and whose identity moves: a new email (where password resets
   * go), or the user passes between being created here and being looked up in an identity provider.
   */
  readonly identityRisks: readonly {
    readonly user: string;
    readonly field: "email" | "external";
    readonly from: string;
    readonly to: string;
    readonly holds: readonly string[];
  }[];
  /**
   * Changes of the stack's `sso-access:` settings (which file it deploys, the removal guard's limits and key, the
   * instance), when the diff compares a stack at two revisions: they decide what `pulumi up` does with the file.
   */
  readonly stack: { readonly name: string; readonly changes: readonly FieldChange[] } | null;
  /** Accounts that enter or leave the scope of guardrails.privileged (by their inventory facts or by the rule). */
  readonly guardedScope: readonly { readonly account: AccountRef; readonly guarded: boolean }[];
  /**
   * Accounts kept (same id) whose inventory facts change (key, OU, tags, management flag, status) and with them the
   * assignments that target them: a selector by tag or OU that takes the account in or leaves it out. The facts are
   * the file's claims; here a changed claim is named by account, with the assignments it moves.
   */
  readonly inventoryMoves: readonly {
    readonly account: AccountRef;
    /** The facts that change: key, OU, tags, management flag, status. */
    readonly facts: readonly string[];
    /** `group Developers: ReadOnly`: assignments that now target the account, and those that no longer do. */
    readonly entered: readonly string[];
    readonly left: readonly string[];
  }[];
}

/** A stack's `sso-access:` settings on both sides of a diff, by key without the prefix. */
export interface StackSides {
  readonly name: string;
  readonly before: Readonly<Record<string, string>>;
  readonly after: Readonly<Record<string, string>>;
}

/**
 * Compares two snapshots; `before` undefined means there was no access.yaml (everything is new). `stack`, when the
 * two sides are a stack at two revisions, adds the changes of its settings. Only the people a change can touch are
 * compared (touched()), one per class of people whose access is alike (alike()).
 */
export function diffAccess(before: Snapshot | undefined, after: Snapshot, stack?: StackSides, options: { exhaustive?: boolean } = {}): AccessDiff {
  const { granted, revoked } = assignmentChanges(before, after);
  // `exhaustive`: everyone's access, person by person; the reference that the tests hold the shortcuts to.
  const classes = before && !options.exhaustive ? alike(before, after, touched(before, after)) : undefined;
  const only = classes?.representatives;
  const access = { before: before?.accessOf(only), after: after.accessOf(only), classOf: classes?.classOf };
  const beforeParts = before ? [...before.plan.permissionSets, ...before.plan.users, ...before.plan.groups] : [];
  const afterParts = [...after.plan.permissionSets, ...after.plan.users, ...after.plan.groups];
  const skip = new Set([...shapedKeys(beforeParts), ...shapedKeys(afterParts), after.plan.provider.key]);
  const sections = {
    settings: before ? fieldChanges(settingsShape(before.plan), settingsShape(after.plan), labelsOf(IdentityCenterSchema)) : [],
    guardrails: fieldChanges(flatten(before?.matrix.guardrails), flatten(after.matrix.guardrails)),
    removalGuard: removalGuardOf(before, after),
    privilegedGains: privilegedGainsOf(before, after, access),
    people: personChanges(access),
    externalGroups: externalGroupChanges(access.before, access.after),
    granted,
    revoked,
    memberships: membershipChanges(before?.matrix, after.matrix),
    users: entityChanges(shapes(before?.plan.users), shapes(after.plan.users), labelsOf(UserSchema)),
    groups: entityChanges(shapes(before?.plan.groups), shapes(after.plan.groups), labelsOf(GroupSchema)),
    accounts: accountChanges(before?.matrix, after.matrix),
    permissionSets: permissionSetChanges(before, after, access),
    resources: before ? otherChanges(before.plan, after.plan, skip) : [],
    identityRisks: before ? identityRisksOf(before, after, access) : [],
    guardedScope: before ? guardedScopeOf(before, after) : [],
    inventoryMoves: before ? inventoryMovesOf(before, after) : [],
    stack: stackChanges(stack),
  };
  const reported =
    Object.values(sections).some((v) => Array.isArray(v) && v.length > 0) ||
    sections.stack !== null ||
    [sections.users, sections.groups, sections.accounts].some((e) => e.added.length + e.removed.length + e.changed.length > 0);
  // Whatever the sections show, a plan that declares anything differently is a change: `diff --exit-code` must
  // never say "no change" while `pulumi up` would change something.
  const diff = { changed: reported || before === undefined || declaresDifferently(before.plan, after.plan), ...sections };
  return { risk: riskSummary(diff), ...diff };
}

/** The Identity Center settings: what the provider is declared with (its region), and the portal's start URL. */
const settingsShape = (plan: Plan): Shape => shapeFrom([...Object.entries(plan.provider.inputs), ["startUrl", plan.settings.startUrl]]);

function stackChanges(stack: StackSides | undefined): AccessDiff["stack"] {
  if (!stack) return null;
  const changes = fieldChanges(shapeFrom(Object.entries(stack.before)), shapeFrom(Object.entries(stack.after)));
  return changes.length ? { name: stack.name, changes } : null;
}

/** Privileged holders whose identity moves: who controls the new email, or the identity provider, controls the admin. */
function identityRisksOf(before: Snapshot, after: Snapshot, access: SideAccess): AccessDiff["identityRisks"] {
  const holds = new Map<string, Set<string>>();
  for (const g of access.after.grants)
    for (const reason of after.privileged.get(g.permissionSet) ?? [])
      for (const user of classMembers(access, g.user)) holds.set(user, (holds.get(user) ?? new Set()).add(reason));
  const where = (external: boolean | undefined) => (external ? "your identity provider" : "this file");
  return [...holds]
    .flatMap(([user, reasons]): AccessDiff["identityRisks"][number][] => {
      const [was, is] = [before.matrix.users?.[user], after.matrix.users?.[user]];
      if (!was || !is) return [];
      const held = [...reasons].sort(byText);
      return [
        ...(was.email !== undefined && is.email !== undefined && was.email !== is.email
          ? [{ user, field: "email" as const, from: was.email, to: is.email, holds: held }]
          : []),
        ...(Boolean(was.external) !== Boolean(is.external)
          ? [{ user, field: "external" as const, from: where(was.external), to: where(is.external), holds: held }]
          : []),
      ];
    })
    .sort((a, b) => byText(a.user, b.user));
}

/** Accounts guarded by guardrails.privileged on one side and not the other, named as the new side names them. */
function guardedScopeOf(before: Snapshot, after: Snapshot): AccessDiff["guardedScope"] {
  const [was, is] = [guardedAccounts(before.matrix), guardedAccounts(after.matrix)];
  if (!was && !is) return [];
  const names = new Map([...before.plan.inventory, ...after.plan.inventory].map((a) => [a.id, a.name]));
  const ids = [...new Set([...(was ?? []), ...(is ?? [])])].filter((id) => (was?.has(id) ?? false) !== (is?.has(id) ?? false));
  return ids.map((id) => ({ account: { name: names.get(id)!, id }, guarded: is?.has(id) ?? false })).sort((a, b) => byText(a.account.name, b.account.name));
}

/** Accounts whose inventory facts change and, with them, which assignments target them. */
function inventoryMovesOf(before: Snapshot, after: Snapshot): AccessDiff["inventoryMoves"] {
  const facts = (a: InventoryAccount) => ({
    name: a.name,
    ou: a.ou,
    tags: a.tags && sortedRecord(a.tags),
    management: a.management ?? false,
    status: a.status ?? "ACTIVE",
  });
  const was = new Map(inventoryOf(before.matrix.accounts).map((a) => [a.id, a]));
  const moved = inventoryOf(after.matrix.accounts).filter((a) => was.has(a.id) && !same(facts(was.get(a.id)!), facts(a)));
  if (!moved.length) return [];
  const targeting = (side: Snapshot, ids: ReadonlySet<string>) => {
    const out = new Map<string, Set<string>>();
    for (const r of side.plan.assignments) {
      if (!ids.has(r.accountId)) continue;
      (out.get(r.accountId) ?? out.set(r.accountId, new Set()).get(r.accountId)!).add(
        `${r.principalType === "GROUP" ? "group" : "user"} ${r.principalName}: ${r.permissionSet}`,
      );
    }
    return out;
  };
  const ids = new Set(moved.map((a) => a.id));
  const [old, now] = [targeting(before, ids), targeting(after, ids)];
  return moved
    .map((a) => {
      const [f, t] = [facts(was.get(a.id)!), facts(a)];
      const [o, n] = [old.get(a.id) ?? new Set<string>(), now.get(a.id) ?? new Set<string>()];
      return {
        account: { name: a.name, id: a.id },
        facts: (Object.keys(t) as (keyof typeof t)[]).filter((k) => !same(f[k], t[k])).map((k) => FACT_NAMES[k]),
        entered: [...n].filter((x) => !o.has(x)).sort(byText),
        left: [...o].filter((x) => !n.has(x)).sort(byText),
      };
    })
    .filter((m) => m.entered.length + m.left.length > 0)
    .sort((x, y) => byText(x.account.name, y.account.name));
}

const FACT_NAMES = { name: "key", ou: "OU", tags: "tags", management: "management flag", status: "status" } as const;

function removalGuardOf(before: Snapshot | undefined, after: Snapshot): AccessDiff["removalGuard"] {
  const removals = before ? checkRemovals(deployedOf(before.plan), deployedOf(after.plan)) : undefined;
  return removals?.reasons.length ? { reasons: removals.reasons, fingerprint: removals.fingerprint } : null;
}

function riskSummary(d: Omit<AccessDiff, "risk">): string {
  const parts: string[] = [];
  if (d.stack) {
    const keys = d.stack.changes.map((c) => c.field).join(", ");
    parts.push(`the configuration of stack ${d.stack.name} changes (${keys}): it decides what pulumi up deploys, review it first`);
  }
  if (d.guardrails.length) parts.push(`the guardrails change (${d.guardrails.map((c) => c.field).join(", ")}): review them first, they judge this file`);
  const region = d.settings.find((c) => c.field === "region");
  if (region) parts.push(`the Identity Center region changes from ${region.from} to ${region.to}: every resource is deleted there and created here`);
  for (const gain of d.privilegedGains) {
    const what = isManagedPolicyReason(gain.reason) ? gain.reason : `privileged access (${gain.reason})`;
    const where = `${what} in ${plural(gain.accounts.length, "account")}`;
    if (gain.people.length) parts.push(`${plural(gain.people.length, "person", "people")} ${verb(gain.people.length, "gains", "gain")} ${where}`);
    if (gain.externalGroups.length) {
      const n = gain.externalGroups.length;
      const names = gain.externalGroups.map((g) => JSON.stringify(g)).join(", ");
      parts.push(`${verb(n, "external group", "external groups")} ${names} (members unknown) ${verb(n, "gains", "gain")} ${where}`);
    }
  }
  // Gains, then losses: people, then external groups, each with the accounts they concern.
  for (const [key, one, many] of [
    ["gained", "gains", "gain"],
    ["lost", "loses", "lose"],
  ] as const) {
    const accounts = (items: readonly { gained: readonly Target[]; lost: readonly Target[] }[]) =>
      plural(new Set(items.flatMap((i) => i[key].map((t) => t.accountId))).size, "account");
    const who = d.people.filter((p) => p[key].length > 0);
    const people = who.reduce((n, p) => n + p.users.length, 0);
    const groups = d.externalGroups.filter((g) => g[key].length > 0);
    if (people) parts.push(`${plural(people, "person", "people")} ${verb(people, one, many)} access in ${accounts(who)}`);
    if (groups.length) parts.push(`${plural(groups.length, "external group")} ${verb(groups.length, one, many)} access in ${accounts(groups)}`);
  }
  const reshaped = d.permissionSets.filter((s) => s.kind === "changed" && (s.people.length || s.externalGroups.length));
  if (reshaped.length) {
    const who = new Set(reshaped.flatMap((s) => s.people));
    const groups = new Set(reshaped.flatMap((s) => s.externalGroups));
    const where = new Set(reshaped.flatMap((s) => s.accounts.map((a) => a.id)));
    const names = reshaped.map((s) => s.name).join(", ");
    const holders = [
      ...(who.size ? [plural(who.size, "person", "people")] : []),
      ...(groups.size ? [`the members of ${plural(groups.size, "external group")}`] : []),
    ].join(" and ");
    parts.push(
      `${verb(reshaped.length, "permission set", "permission sets")} ${names} ${verb(reshaped.length, "changes", "change")} for ${holders} in ${plural(where.size, "account")}`,
    );
  }
  for (const r of d.identityRisks) {
    parts.push(
      r.field === "email"
        ? `the email of ${r.user}, who holds ${r.holds.join(", ")}, changes to ${r.to}: password resets go there`
        : `${r.user}, who holds ${r.holds.join(", ")}, is now managed by ${r.to}, not ${r.from}: whoever controls it controls that access`,
    );
  }
  for (const { account, guarded } of d.guardedScope) {
    parts.push(`account ${accountLabel(account.name, account.id)} ${guarded ? "enters" : "leaves"} the scope of guardrails.privileged`);
  }
  for (const m of d.inventoryMoves) {
    const moves = [...(m.entered.length ? [`enters ${m.entered.join(", ")}`] : []), ...(m.left.length ? [`leaves ${m.left.join(", ")}`] : [])];
    parts.push(`account ${accountLabel(m.account.name, m.account.id)}'s inventory (${m.facts.join(", ")}) changes what targets it: it ${moves.join(" and ")}`);
  }
  if (parts.length) return `${parts.join("; ")}.`;
  return d.changed ? "No one gains or loses access; other changes below." : "No access changes.";
}

/** What `after` has and `before` lacks (added), and the reverse (removed), compared by key, each in its list's order. */
function delta<T>(before: readonly T[], after: readonly T[], key: (item: T) => string): { added: T[]; removed: T[] } {
  const was = new Set(before.map(key));
  const is = new Set(after.map(key));
  return { added: after.filter((x) => !was.has(key(x))), removed: before.filter((x) => !is.has(key(x))) };
}

const targetOf = (t: Target): Target => ({ accountId: t.accountId, accountName: t.accountName, permissionSet: t.permissionSet });

/** Grants gained and lost, by who holds them (a user, or an external group), holders in order. */
function gainsAndLosses<T extends Target>(before: readonly T[], after: readonly T[], holder: (t: T) => string): [string, { gained: T[]; lost: T[] }][] {
  const { added, removed } = delta(before, after, (t) => `${holder(t)}\u0000${targetKey(t)}`);
  const tagged = [...added.map((t) => ({ t, gained: true })), ...removed.map((t) => ({ t, gained: false }))];
  return groupBy(tagged, (x) => holder(x.t)).map(([who, list]) => [
    who,
    { gained: list.filter((x) => x.gained).map((x) => x.t), lost: list.filter((x) => !x.gained).map((x) => x.t) },
  ]);
}

/** The people a representative's access stands for (themselves, when access was computed for everyone). */
const classMembers = (access: SideAccess, user: string): readonly string[] => access.classOf?.get(user) ?? [user];

function personChanges(access: SideAccess): PersonChange[] {
  const entry = (g: Grant): PersonAccess => ({ ...targetOf(g), via: viaText(g) });
  // Computed once per class, and listed once for it: five thousand people who gain the same account are one entry.
  return gainsAndLosses(access.before?.grants ?? [], access.after.grants, (g) => g.user).map(([representative, { gained, lost }]) => ({
    users: classMembers(access, representative),
    gained: gained.map(entry),
    lost: lost.map(entry),
  }));
}

/**
 * An external group is who its lookup finds: its display name, not its key. Giving a key another display name moves
 * its grants from one group of people to another, and shows as such: the new group gains, the old one loses.
 */
function externalGroupChanges(before: EffectiveAccess | undefined, after: EffectiveAccess): ExternalGroupChange[] {
  return gainsAndLosses(before?.externalGrants ?? [], after.externalGrants, (g) => g.displayName).map(([displayName, { gained, lost }]) => ({
    group: (gained[0] ?? lost[0]).group,
    displayName,
    gained: gained.map(targetOf),
    lost: lost.map(targetOf),
  }));
}

function assignmentChanges(before: Snapshot | undefined, after: Snapshot): { granted: AssignmentChange[]; revoked: AssignmentChange[] } {
  const { added, removed } = delta(before?.plan.assignments ?? [], after.plan.assignments, assignmentKey);
  const reach = (side: Snapshot | undefined) => {
    return (row: AssignmentRow): AssignmentChange => ({ ...row, users: side ? rowHolders(side, row) : null });
  };
  return { granted: added.map(reach(after)), revoked: removed.map(reach(before)) };
}

function membershipChanges(before: Matrix | undefined, after: Matrix): MembershipChange[] {
  const old = before ? groupMembers(before) : new Map<string, string[]>();
  const now = groupMembers(after);
  return [...new Set([...old.keys(), ...now.keys()])]
    .sort(byText)
    .map((group) => {
      const { added, removed } = delta(old.get(group) ?? [], now.get(group) ?? [], (u) => u);
      return { group, added, removed };
    })
    .filter((c) => c.added.length || c.removed.length);
}

/** A nested map as dotted paths to its leaves (lists are leaves): `privileged.accounts.tags`. */
function flatten(value: unknown): Shape {
  const out: [string, Value][] = [];
  const walk = (v: unknown, prefix: string): void => {
    if (v === undefined || v === null) return;
    // An empty map is a leaf too: `accounts: {}` guards every account, and removing it is a change.
    if (typeof v !== "object" || Array.isArray(v) || (prefix && Object.keys(v).length === 0)) return void out.push([prefix, v as Value]);
    for (const [k, child] of Object.entries(v)) walk(child, prefix ? `${prefix}.${k}` : k);
  };
  walk(value, "");
  return shapeFrom(out);
}

/** Accounts are keyed by id: renaming an inventory key is a change of the same account. */
function accountChanges(before: Matrix | undefined, after: Matrix): EntityChanges {
  const accounts = (m: Matrix | undefined) =>
    new Map(
      Object.entries(m?.accounts ?? {}).map(([name, a]) => [
        a.id,
        shapeFrom([
          ["name", name],
          ["ou", a.ou === undefined ? undefined : canonicalOu(a.ou) || undefined],
          ["tags", a.tags && sortedRecord(a.tags)],
          ["management", a.management ?? false],
          ["status", a.status === undefined || a.status === "ACTIVE" ? undefined : a.status],
        ]),
      ]),
    );
  const old = accounts(before);
  const now = accounts(after);
  const label = (shapesOf: typeof old, id: string) => accountLabel(String(shapesOf.get(id)!.get("name")!.value), id);
  const changes = entityChanges(old, now, labelsOf(AccountSchema));
  return {
    added: changes.added.map((id) => label(now, id)),
    removed: changes.removed.map((id) => label(old, id)),
    changed: changes.changed.map((c) => ({ name: label(now, c.name), changes: c.changes })),
  };
}

/** Both sides' effective access, of the people a change can touch (all external groups). */
type SideAccess = {
  readonly before: EffectiveAccess | undefined;
  readonly after: EffectiveAccess;
  /** When access was computed for one person per class: each representative's class (alike()). */
  readonly classOf: ReadonlyMap<string, readonly string[]> | undefined;
};

function permissionSetChanges(before: Snapshot | undefined, after: Snapshot, access: SideAccess): PermissionSetChange[] {
  const old = shapes(before?.plan.permissionSets);
  const now = shapes(after.plan.permissionSets);
  // Who holds a set, from its assignments and the groups' members: everyone, not only the people the change touches.
  const reach = (side: Snapshot, sideAccess: EffectiveAccess, name: string) => {
    const rows = side.plan.assignments.filter((r) => r.permissionSet === name);
    const accounts = new Map(rows.map((r) => [r.accountId, { name: r.accountName, id: r.accountId }]));
    const people = rows.flatMap((r) => rowHolders(side, r) ?? []);
    return {
      accounts: [...accounts.values()].sort((a, b) => byText(a.name, b.name)),
      people: [...new Set(people)].sort(byText),
      externalGroups: [...new Set(sideAccess.externalGrants.filter((g) => g.permissionSet === name).map((g) => g.displayName))].sort(byText),
    };
  };
  const out: PermissionSetChange[] = [];
  for (const name of [...new Set([...old.keys(), ...now.keys()])].sort(byText)) {
    const was = old.get(name);
    const is = now.get(name);
    if (!was) {
      out.push({ name, kind: "added", changes: [], ...reach(after, access.after, name) });
    } else if (!is) {
      out.push({ name, kind: "removed", changes: [], ...reach(before!, access.before!, name) });
    } else {
      const changes = fieldChanges(was, is, labelsOf(PermissionSetSchema));
      if (changes.length) out.push({ name, kind: "changed", changes, ...reach(after, access.after, name) });
    }
  }
  return out;
}

/** Per reason a set is privileged: the people and external groups who hold such a set in an account after the change but not before, and where. */
function privilegedGainsOf(before: Snapshot | undefined, after: Snapshot, access: SideAccess): PrivilegedGain[] {
  // Keys: reason, "user" or "group", the name, the account id.
  const held = (side: Snapshot | undefined, sideAccess: EffectiveAccess | undefined) => {
    const holders = [
      // A representative stands for its class here; the class is expanded below, once per gain.
      ...(sideAccess?.grants ?? []).map((g) => ({ kind: "user", name: g.user, set: g.permissionSet, accountId: g.accountId })),
      // An external group by who it is (its display name), as externalGroupChanges.
      ...(sideAccess?.externalGrants ?? []).map((g) => ({ kind: "group", name: g.displayName, set: g.permissionSet, accountId: g.accountId })),
    ];
    return holders.flatMap((h) => (side!.privileged.get(h.set) ?? []).map((reason) => [reason, h.kind, h.name, h.accountId].join("\u0000")));
  };
  const { added } = delta(held(before, access.before), held(after, access.after), (k) => k);
  const names = new Map(after.plan.inventory.map((a) => [a.id, a.name]));
  const unique = (list: string[]) => [...new Set(list)].sort(byText);
  return groupBy(
    added.map((k) => k.split("\u0000")),
    ([reason]) => reason,
  ).map(([reason, gains]) => ({
    reason,
    people: unique(gains.filter(([, kind]) => kind === "user").flatMap(([, , name]) => classMembers(access, name))),
    externalGroups: unique(gains.filter(([, kind]) => kind === "group").map(([, , name]) => name)),
    accounts: unique(gains.map(([, , , id]) => id))
      .map((id) => ({ name: names.get(id)!, id }))
      .sort((a, b) => byText(a.name, b.name)),
  }));
}
