import { effectiveAccess, targetKey, viaText, type Access, type Grant, type Target } from "./effectiveAccess";
import { groupMembers } from "../model/members";
import type { ValidMatrix } from "../model/matrix";
import { LOOKUP, TYPE, type AssignmentRow, type ComponentPlan, type Part, type Plan, type Value } from "../expand/plan";
import { byText } from "../common/order";
import { PRIVILEGED_MANAGED_POLICIES } from "../aws/privilege";
import { privilegedSets } from "../model/privileged";
import { checkRemovals, deployedOf } from "./removalGuard";
import type { Matrix } from "../model/matrix";

/**
 * The access change between two versions of access.yaml, in people's terms: who gains and loses what, where, and
 * why (assignments, memberships, permission set content, inventory). Both sides are expanded by the same code as
 * the Pulumi program, so the diff describes exactly the change a deployment would make.
 */

/** A matrix with its expansion. */
export interface Snapshot {
  readonly matrix: Matrix;
  readonly plan: Plan;
  readonly access: Access;
  /** Privileged permission sets and why (matrix/privilege.ts). */
  readonly privileged: ReadonlyMap<string, readonly string[]>;
}

export function snapshot(valid: ValidMatrix, plan: Plan): Snapshot {
  return { matrix: valid.matrix, plan, access: effectiveAccess(valid, plan), privileged: privilegedSets(valid.matrix, valid.inlinePolicies) };
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

export interface PersonChange {
  readonly user: string;
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

export interface FieldChange {
  readonly field: string;
  readonly from?: Value | null;
  readonly to?: Value | null;
  readonly added?: readonly string[];
  readonly removed?: readonly string[];
}

export interface EntityChanges {
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly changed: readonly { readonly name: string; readonly changes: readonly FieldChange[] }[];
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
  /** What makes it privileged: a managed policy name such as AdministratorAccess, or another reason (matrix/privilege.ts). */
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
}

/** Compares two snapshots; `before` undefined means there was no access.yaml (everything is new). */
export function diffAccess(before: Snapshot | undefined, after: Snapshot): AccessDiff {
  const people = personChanges(before?.access, after.access);
  const externalGroups = externalGroupChanges(before?.access, after.access);
  const { granted, revoked } = assignmentChanges(before, after);
  const memberships = membershipChanges(before?.matrix, after.matrix);
  const users = entityChanges(components(before?.plan.users), components(after.plan.users));
  const groups = entityChanges(components(before?.plan.groups), components(after.plan.groups));
  const accounts = accountChanges(before?.matrix, after.matrix);
  const permissionSets = permissionSetChanges(before, after);
  const privilegedGains = privilegedGainsOf(before, after);
  const settings = before
    ? fieldChanges(
        new Map([
          ["region", before.plan.settings.region],
          ["startUrl", before.plan.settings.startUrl],
        ]),
        new Map([
          ["region", after.plan.settings.region],
          ["startUrl", after.plan.settings.startUrl],
        ]),
      )
    : [];
  const guardrails = fieldChanges(flatten(before?.matrix.guardrails), flatten(after.matrix.guardrails));
  const changed =
    guardrails.length + settings.length + people.length + externalGroups.length + granted.length + revoked.length + memberships.length + permissionSets.length >
      0 || [users, groups, accounts].some((e) => e.added.length + e.removed.length + e.changed.length > 0);
  const removals = before ? checkRemovals(deployedOf(before.plan), deployedOf(after.plan)) : undefined;
  const removalGuard = removals?.reasons.length ? { reasons: removals.reasons, fingerprint: removals.fingerprint } : null;
  const diff = {
    changed,
    settings,
    guardrails,
    removalGuard,
    privilegedGains,
    people,
    externalGroups,
    granted,
    revoked,
    memberships,
    users,
    groups,
    accounts,
    permissionSets,
  };
  return { risk: riskSummary(diff), ...diff };
}

/** `1 person`, `2 people`. */
export const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** The word that agrees with a count: `gains` for one, `gain` for several. */
const verb = (n: number, one: string, many: string): string => (n === 1 ? one : many);

function riskSummary(d: Omit<AccessDiff, "risk">): string {
  const parts: string[] = [];
  if (d.guardrails.length) parts.push(`the guardrails change (${d.guardrails.map((c) => c.field).join(", ")}): review them first, they judge this file`);
  const region = d.settings.find((c) => c.field === "region");
  if (region) parts.push(`the Identity Center region changes from ${region.from} to ${region.to}: every resource is deleted there and created here`);
  for (const gain of d.privilegedGains) {
    const what = (PRIVILEGED_MANAGED_POLICIES as readonly string[]).includes(gain.reason) ? gain.reason : `privileged access (${gain.reason})`;
    const where = `${what} in ${plural(gain.accounts.length, "account")}`;
    if (gain.people.length) parts.push(`${plural(gain.people.length, "person", "people")} ${verb(gain.people.length, "gains", "gain")} ${where}`);
    if (gain.externalGroups.length) {
      const n = gain.externalGroups.length;
      parts.push(`${verb(n, "external group", "external groups")} ${gain.externalGroups.join(", ")} (members unknown) ${verb(n, "gains", "gain")} ${where}`);
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
    const groups = d.externalGroups.filter((g) => g[key].length > 0);
    if (who.length) parts.push(`${plural(who.length, "person", "people")} ${verb(who.length, one, many)} access in ${accounts(who)}`);
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
  if (parts.length) return `${parts.join("; ")}.`;
  return d.changed ? "No one gains or loses access; other changes below." : "No access changes.";
}

/** What `after` has and `before` lacks (added), and the reverse (removed), compared by key, each in its list's order. */
function delta<T>(before: readonly T[], after: readonly T[], key: (item: T) => string): { added: T[]; removed: T[] } {
  const was = new Set(before.map(key));
  const is = new Set(after.map(key));
  return { added: after.filter((x) => !was.has(key(x))), removed: before.filter((x) => !is.has(key(x))) };
}

/** Items grouped by key, groups in key order, items in their order. */
export function groupBy<T>(items: readonly T[], key: (item: T) => string): [string, T[]][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k)!.push(item);
  }
  return [...groups].sort((a, b) => byText(a[0], b[0]));
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

function personChanges(before: Access | undefined, after: Access): PersonChange[] {
  const entry = (g: Grant): PersonAccess => ({ ...targetOf(g), via: viaText(g) });
  return gainsAndLosses(before?.grants ?? [], after.grants, (g) => g.user).map(([user, { gained, lost }]) => ({
    user,
    gained: gained.map(entry),
    lost: lost.map(entry),
  }));
}

function externalGroupChanges(before: Access | undefined, after: Access): ExternalGroupChange[] {
  return gainsAndLosses(before?.externalGrants ?? [], after.externalGrants, (g) => g.group).map(([group, { gained, lost }]) => ({
    group,
    displayName: (gained[0] ?? lost[0]).displayName,
    gained: gained.map(targetOf),
    lost: lost.map(targetOf),
  }));
}

function assignmentChanges(before: Snapshot | undefined, after: Snapshot): { granted: AssignmentChange[]; revoked: AssignmentChange[] } {
  const key = (r: AssignmentRow) => `${r.principalType}\u0000${r.principalName}\u0000${r.permissionSet}\u0000${r.accountId}`;
  const { added, removed } = delta(before?.plan.assignments ?? [], after.plan.assignments, key);
  const reach = (side: Snapshot | undefined) => {
    const members = side ? groupMembers(side.matrix) : new Map<string, string[]>();
    return (row: AssignmentRow): AssignmentChange => ({
      ...row,
      users: row.principalType === "USER" ? [row.principalName] : (members.get(row.principalName) ?? null),
    });
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
function flatten(value: unknown, prefix = ""): Map<string, Value | undefined> {
  const out = new Map<string, Value | undefined>();
  if (value === undefined || value === null) return out;
  if (typeof value !== "object" || Array.isArray(value)) {
    out.set(prefix, value as Value);
    return out;
  }
  for (const [k, v] of Object.entries(value)) for (const [path, leaf] of flatten(v, prefix ? `${prefix}.${k}` : k)) out.set(path, leaf);
  return out;
}

/** Each component's observable shape: the inputs of its resources and lookups, by a readable field name. */
type Shape = Map<string, Value | undefined>;

function components(list: readonly Part[] | undefined): Map<string, Shape> {
  return new Map((list ?? []).map((c) => [c.name, shapeOf(c)]));
}

function shapeOf(c: Part): Shape {
  const shape: Shape = new Map();
  const resource = c.children[0];
  if (c.lookups.length) {
    shape.set("external", true);
    const attribute = c.lookups[0].args.alternateIdentifier as { uniqueAttribute: { attributeValue: string } };
    if (c.lookups[0].token === LOOKUP.group) shape.set("displayName", attribute.uniqueAttribute.attributeValue);
    return shape;
  }
  shape.set("external", false);
  for (const [field, value] of Object.entries(resource.inputs)) {
    if (field === "identityStoreId" || field === "userName") continue;
    if (field === "name") {
      for (const [part, partValue] of Object.entries(value as Record<string, Value>)) shape.set(part, partValue);
    } else if (field === "emails") {
      shape.set("email", (value as { value: string }).value);
    } else {
      shape.set(field, value);
    }
  }
  return shape;
}

const same = (a: Value | undefined, b: Value | undefined): boolean => JSON.stringify(a) === JSON.stringify(b);

function fieldChanges(old: Shape, now: Shape): FieldChange[] {
  const fields = [...new Set([...old.keys(), ...now.keys()])];
  return fields.filter((f) => !same(old.get(f), now.get(f))).map((field) => ({ field, from: old.get(field) ?? null, to: now.get(field) ?? null }));
}

function entityChanges(old: Map<string, Shape>, now: Map<string, Shape>): EntityChanges {
  const { added, removed } = delta([...old.keys()], [...now.keys()], (k) => k);
  return {
    added: added.sort(byText),
    removed: removed.sort(byText),
    changed: [...now.keys()]
      .filter((k) => old.has(k))
      .sort(byText)
      .map((name) => ({ name, changes: fieldChanges(old.get(name)!, now.get(name)!) }))
      .filter((c) => c.changes.length),
  };
}

/** Accounts are keyed by id: renaming an inventory key is a change of the same account. */
function accountChanges(before: Matrix | undefined, after: Matrix): EntityChanges {
  const shapes = (m: Matrix | undefined) =>
    new Map(
      Object.entries(m?.accounts ?? {}).map(([name, a]) => [
        a.id,
        new Map<string, Value | undefined>([
          ["name", name],
          ["ou", a.ou],
          ["tags", a.tags && Object.fromEntries(Object.entries(a.tags).sort((x, y) => byText(x[0], y[0])))],
          ["management", a.management ?? false],
        ]),
      ]),
    );
  const old = shapes(before);
  const now = shapes(after);
  const label = (shapesOf: typeof old, id: string) => `${shapesOf.get(id)!.get("name")} (${id})`;
  const changes = entityChanges(old, now);
  return {
    added: changes.added.map((id) => label(now, id)),
    removed: changes.removed.map((id) => label(old, id)),
    changed: changes.changed.map((c) => ({ name: label(now, c.name), changes: c.changes })),
  };
}

/** The name a reader knows a managed policy by: the part of its ARN after `policy/`. */
export function policyName(arn: string): string {
  return arn.slice(arn.indexOf(":policy/") + ":policy/".length);
}

function permissionSetShape(c: ComponentPlan): Shape {
  const shape: Shape = new Map();
  for (const child of c.children) {
    const { inputs } = child;
    switch (child.type) {
      case TYPE.permissionSet:
        for (const field of ["description", "sessionDuration", "relayState", "tags"]) shape.set(field, inputs[field]);
        break;
      case TYPE.managedPolicies:
        shape.set("managedPolicies", (inputs.managedPolicyArns as string[]).map(policyName));
        break;
      case TYPE.customerManagedPolicies:
        shape.set(
          "customerManagedPolicies",
          (inputs.customerManagedPolicyReferences as { name: string; path: string }[]).map((p) => `${p.path}${p.name}`),
        );
        break;
      case TYPE.inlinePolicy:
        shape.set("inlinePolicy", inputs.inlinePolicy);
        break;
      case TYPE.permissionsBoundary: {
        const b = inputs.permissionsBoundary as { managedPolicyArn?: string; customerManagedPolicyReference?: { name: string; path: string } };
        shape.set(
          "permissionsBoundary",
          b.managedPolicyArn ? policyName(b.managedPolicyArn) : `${b.customerManagedPolicyReference!.path}${b.customerManagedPolicyReference!.name}`,
        );
        break;
      }
    }
  }
  return shape;
}

const LIST_FIELDS = new Set(["managedPolicies", "customerManagedPolicies"]);

function permissionSetChanges(before: Snapshot | undefined, after: Snapshot): PermissionSetChange[] {
  const shapes = (plan: Plan | undefined) => new Map((plan?.permissionSets ?? []).map((c) => [c.name, permissionSetShape(c)]));
  const old = shapes(before?.plan);
  const now = shapes(after.plan);
  const reach = (side: Snapshot, name: string) => {
    const accounts = new Map(side.plan.assignments.filter((r) => r.permissionSet === name).map((r) => [r.accountId, { name: r.accountName, id: r.accountId }]));
    return {
      accounts: [...accounts.values()].sort((a, b) => byText(a.name, b.name)),
      people: [...new Set(side.access.grants.filter((g) => g.permissionSet === name).map((g) => g.user))].sort(byText),
      externalGroups: [...new Set(side.access.externalGrants.filter((g) => g.permissionSet === name).map((g) => g.group))].sort(byText),
    };
  };
  const out: PermissionSetChange[] = [];
  for (const name of [...new Set([...old.keys(), ...now.keys()])].sort(byText)) {
    const was = old.get(name);
    const is = now.get(name);
    if (!was) {
      out.push({ name, kind: "added", changes: [], ...reach(after, name) });
    } else if (!is) {
      out.push({ name, kind: "removed", changes: [], ...reach(before!, name) });
    } else {
      const changes = fieldChanges(was, is).map((c): FieldChange => {
        if (!LIST_FIELDS.has(c.field)) return c;
        const { added, removed } = delta((c.from ?? []) as string[], (c.to ?? []) as string[], (p) => p);
        return { field: c.field, added, removed };
      });
      if (changes.length) out.push({ name, kind: "changed", changes, ...reach(after, name) });
    }
  }
  return out;
}

/** Per reason a set is privileged: the people and external groups who hold such a set in an account after the change but not before, and where. */
function privilegedGainsOf(before: Snapshot | undefined, after: Snapshot): PrivilegedGain[] {
  // Keys: reason, "user" or "group", the name, the account id.
  const held = (side: Snapshot | undefined) => {
    const holders = [
      ...(side?.access.grants ?? []).map((g) => ({ kind: "user", name: g.user, set: g.permissionSet, accountId: g.accountId })),
      ...(side?.access.externalGrants ?? []).map((g) => ({ kind: "group", name: g.group, set: g.permissionSet, accountId: g.accountId })),
    ];
    return holders.flatMap((h) => (side!.privileged.get(h.set) ?? []).map((reason) => [reason, h.kind, h.name, h.accountId].join("\u0000")));
  };
  const { added } = delta(held(before), held(after), (k) => k);
  const names = new Map(after.plan.inventory.map((a) => [a.id, a.name]));
  const unique = (list: string[]) => [...new Set(list)].sort(byText);
  return groupBy(
    added.map((k) => k.split("\u0000")),
    ([reason]) => reason,
  ).map(([reason, gains]) => ({
    reason,
    people: unique(gains.filter(([, kind]) => kind === "user").map(([, , name]) => name)),
    externalGroups: unique(gains.filter(([, kind]) => kind === "group").map(([, , name]) => name)),
    accounts: unique(gains.map(([, , , id]) => id))
      .map((id) => ({ name: names.get(id)!, id }))
      .sort((a, b) => byText(a.name, b.name)),
  }));
}
