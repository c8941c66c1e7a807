import { DEFAULT_SESSION_DURATION } from "../aws/limits";
import { byText } from "../common/order";
import { TYPE, foundBy, type Plan, type Value } from "../expand/plan";
import type { Snapshot } from "./snapshot";

/**
 * Identity Center as one comparable value: what a plan declares (declaredState) and what a snapshot shows
 * (liveState), in the same terms: permission sets by name, groups by display name, users by user name, memberships
 * and assignments by those names and account ids. Adopt proves its file by comparing the two; drift reports how they
 * differ. Ids (ARNs, group and user ids) are AWS's and never compared: names are what a file can declare.
 */

export interface SetState {
  readonly description?: string;
  readonly sessionDuration: string;
  readonly relayState?: string;
  /** Sorted by key. */
  readonly tags: Readonly<Record<string, string>>;
  /** ARNs, sorted, distinct. */
  readonly managedPolicies: readonly string[];
  /** `path` + `name`, sorted. */
  readonly customerManagedPolicies: readonly string[];
  /** The policy document with its keys sorted (compact JSON), or the text as it is when it is not JSON. */
  readonly inlinePolicy?: string;
  /** An ARN, or a customer managed policy's `path` + `name`. */
  readonly permissionsBoundary?: string;
}

export interface GroupState {
  readonly description?: string;
}

export interface UserState {
  readonly displayName?: string;
  readonly givenName?: string;
  readonly familyName?: string;
  readonly email?: string;
}

export type PrincipalType = "GROUP" | "USER";

/** One assignment in names: the principal by display name (group) or user name, the set by name. */
export interface AssignmentState {
  readonly principalType: PrincipalType;
  readonly principal: string;
  readonly permissionSet: string;
  readonly accountId: string;
}

export interface IdentityState {
  readonly permissionSets: ReadonlyMap<string, SetState>;
  /** Groups created and managed here, by display name. */
  readonly groups: ReadonlyMap<string, GroupState>;
  readonly users: ReadonlyMap<string, UserState>;
  /** Groups and users only looked up (external): they must exist; what they hold otherwise is not managed here. */
  readonly externalGroups: ReadonlySet<string>;
  /** Permission sets only looked up (existing): they must exist; what they allow is not managed here. */
  readonly existingSets: ReadonlySet<string>;
  readonly externalUsers: ReadonlySet<string>;
  /** `group display name \0 user name`. */
  readonly memberships: ReadonlySet<string>;
  /** assignmentKey of each. */
  readonly assignments: ReadonlyMap<string, AssignmentState>;
  /** The instance's attributes for access control: key to its source. */
  readonly accessControlAttributes: ReadonlyMap<string, { readonly source: string }>;
}

export const membershipKey = (group: string, user: string): string => `${group}\u0000${user}`;
export const membershipParts = (key: string): [group: string, user: string] => key.split("\u0000") as [string, string];
export const assignmentKey = (a: AssignmentState): string => `${a.principalType}\u0000${a.principal}\u0000${a.permissionSet}\u0000${a.accountId}`;

/** A JSON document with every object's keys sorted: two documents that differ only in key order compare equal. */
export function canonicalJson(text: string): string {
  const sort = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(sort);
    if (value && typeof value === "object") {
      return Object.fromEntries(
        Object.keys(value)
          .sort(byText)
          .map((k) => [k, sort((value as Record<string, unknown>)[k])]),
      );
    }
    return value;
  };
  try {
    return JSON.stringify(sort(JSON.parse(text)));
  } catch {
    return text;
  }
}

const sortedTags = (tags: Readonly<Record<string, string>> | undefined): Record<string, string> =>
  Object.fromEntries(Object.entries(tags ?? {}).sort((a, b) => byText(a[0], b[0])));
const optional = <K extends string, V>(key: K, value: V | undefined): { [k in K]?: V } => (value === undefined ? {} : ({ [key]: value } as { [k in K]: V }));

/** What a plan declares, in names: the Pulumi program declares exactly this plan. */
export function declaredState(plan: Plan): IdentityState {
  const permissionSets = new Map<string, SetState>();
  const existingSets = new Set<string>();
  for (const part of plan.permissionSets) {
    const of = (type: string) => part.children.find((d) => d.type === type)?.inputs as Record<string, Value> | undefined;
    const set = of(TYPE.permissionSet);
    // An existing set is only looked up: it must exist, and nothing else of it is declared or compared.
    if (!set) {
      existingSets.add(part.name);
      continue;
    }
    const boundary = of(TYPE.permissionsBoundary)?.permissionsBoundary as
      { managedPolicyArn?: string; customerManagedPolicyReference?: { name: string; path: string } } | undefined;
    const inline = of(TYPE.inlinePolicy)?.inlinePolicy as string | undefined;
    permissionSets.set(part.name, {
      ...optional("description", set.description as string | undefined),
      sessionDuration: set.sessionDuration as string,
      ...optional("relayState", set.relayState as string | undefined),
      tags: sortedTags(set.tags as Record<string, string> | undefined),
      managedPolicies: [...((of(TYPE.managedPolicies)?.managedPolicyArns as string[] | undefined) ?? [])].sort(byText),
      customerManagedPolicies: ((of(TYPE.customerManagedPolicies)?.customerManagedPolicyReferences as { name: string; path: string }[] | undefined) ?? [])
        .map((p) => p.path + p.name)
        .sort(byText),
      ...optional("inlinePolicy", inline === undefined ? undefined : canonicalJson(inline)),
      ...optional(
        "permissionsBoundary",
        boundary === undefined
          ? undefined
          : (boundary.managedPolicyArn ?? boundary.customerManagedPolicyReference!.path + boundary.customerManagedPolicyReference!.name),
      ),
    });
  }
  const users = new Map<string, UserState>();
  const externalUsers = new Set<string>();
  for (const part of plan.users) {
    const user = part.children.find((d) => d.type === TYPE.user);
    if (!user) {
      externalUsers.add(part.name);
      continue;
    }
    const inputs = user.inputs as { displayName: string; name: { givenName: string; familyName: string }; emails: { value: string } };
    users.set(part.name, { displayName: inputs.displayName, givenName: inputs.name.givenName, familyName: inputs.name.familyName, email: inputs.emails.value });
  }
  const groups = new Map<string, GroupState>();
  const externalGroups = new Set<string>();
  const displayNames = new Map<string, string>();
  const memberships = new Set<string>();
  for (const part of plan.groups) {
    const group = part.children.find((d) => d.type === TYPE.group);
    if (!group) {
      const name = foundBy(part.lookups[0]);
      externalGroups.add(name);
      displayNames.set(part.name, name);
      // An existing group of the directory gets the members listed here (an external one has none declared).
      for (const m of part.children.filter((d) => d.type === TYPE.groupMembership)) memberships.add(membershipKey(name, m.name.slice(part.name.length + 1)));
      continue;
    }
    const inputs = group.inputs as { displayName: string; description?: string };
    groups.set(inputs.displayName, optional("description", inputs.description));
    displayNames.set(part.name, inputs.displayName);
    // A membership's logical name is `<group key>/<user name>`; group keys hold no "/".
    for (const m of part.children.filter((d) => d.type === TYPE.groupMembership))
      memberships.add(membershipKey(inputs.displayName, m.name.slice(part.name.length + 1)));
  }
  const assignments = new Map<string, AssignmentState>();
  for (const row of plan.assignments) {
    const a: AssignmentState = {
      principalType: row.principalType,
      principal: row.principalType === "GROUP" ? displayNames.get(row.principalName)! : row.principalName,
      permissionSet: row.permissionSet,
      accountId: row.accountId,
    };
    assignments.set(assignmentKey(a), a);
  }
  const abac = plan.instance.children.find((d) => d.type === TYPE.accessControlAttributes)?.inputs.attributes as
    { key: string; values: { sources: string[] }[] }[] | undefined;
  const accessControlAttributes = new Map((abac ?? []).map((a) => [a.key, { source: a.values[0].sources[0] }]));
  return { permissionSets, groups, users, externalGroups, externalUsers, existingSets, memberships, assignments, accessControlAttributes };
}

/** The display name a snapshot's group is known by: its DisplayName, else (a group without one) its id. */
export const groupName = (g: Snapshot["groups"][number]): string => g.DisplayName ?? g.GroupId;

/** The one email of a snapshot's user: the primary one, else the only one. */
export function emailOf(user: Snapshot["users"][number]): string | undefined {
  const emails = user.Emails ?? [];
  return (emails.find((e) => e.Primary) ?? (emails.length === 1 ? emails[0] : undefined))?.Value;
}

/** What a snapshot shows, in names. Memberships and assignments of principals or sets it does not list are left out (danglingOf lists them). */
export function liveState(snapshot: Snapshot): IdentityState {
  const permissionSets = new Map<string, SetState>();
  for (const s of snapshot.permissionSets) {
    const boundary = s.PermissionsBoundary;
    permissionSets.set(s.Name, {
      ...optional("description", s.Description),
      sessionDuration: s.SessionDuration ?? DEFAULT_SESSION_DURATION,
      ...optional("relayState", s.RelayState),
      tags: sortedTags(Object.fromEntries((s.Tags ?? []).map((t) => [t.Key, t.Value]))),
      managedPolicies: [...new Set((s.AttachedManagedPolicies ?? []).map((p) => p.Arn))].sort(byText),
      customerManagedPolicies: (s.CustomerManagedPolicyReferences ?? []).map((p) => (p.Path ?? "/") + p.Name).sort(byText),
      ...optional("inlinePolicy", s.InlinePolicy === undefined || s.InlinePolicy === "" ? undefined : canonicalJson(s.InlinePolicy)),
      ...optional(
        "permissionsBoundary",
        boundary?.ManagedPolicyArn ??
          (boundary?.CustomerManagedPolicyReference
            ? (boundary.CustomerManagedPolicyReference.Path ?? "/") + boundary.CustomerManagedPolicyReference.Name
            : undefined),
      ),
    });
  }
  const groups = new Map(snapshot.groups.map((g) => [groupName(g), optional("description", g.Description)]));
  const users = new Map<string, UserState>(
    snapshot.users.map((u) => [
      u.UserName,
      {
        ...optional("displayName", u.DisplayName),
        ...optional("givenName", u.Name?.GivenName),
        ...optional("familyName", u.Name?.FamilyName),
        ...optional("email", emailOf(u)),
      },
    ]),
  );
  const groupById = new Map(snapshot.groups.map((g) => [g.GroupId, groupName(g)]));
  const userById = new Map(snapshot.users.map((u) => [u.UserId, u.UserName]));
  const memberships = new Set<string>();
  for (const m of snapshot.groupMemberships) {
    const [group, user] = [groupById.get(m.GroupId), userById.get(m.MemberId.UserId)];
    if (group !== undefined && user !== undefined) memberships.add(membershipKey(group, user));
  }
  const setNames = new Map(snapshot.permissionSets.map((s) => [s.PermissionSetArn, s.Name]));
  const assignments = new Map<string, AssignmentState>();
  for (const a of snapshot.accountAssignments) {
    const principal = (a.PrincipalType === "GROUP" ? groupById : userById).get(a.PrincipalId);
    const permissionSet = setNames.get(a.PermissionSetArn);
    if (principal === undefined || permissionSet === undefined) continue;
    const state: AssignmentState = { principalType: a.PrincipalType, principal, permissionSet, accountId: a.AccountId };
    assignments.set(assignmentKey(state), state);
  }
  const accessControlAttributes = new Map((snapshot.accessControlAttributes ?? []).map((a) => [a.Key, { source: a.Value.Source[0] }]));
  return {
    permissionSets,
    groups,
    users,
    externalGroups: new Set(),
    externalUsers: new Set(),
    existingSets: new Set(),
    memberships,
    assignments,
    accessControlAttributes,
  };
}

/** A field of an entity that differs: its value as declared and as live (undefined: not set). */
export interface FieldChange {
  readonly name: string;
  readonly field: string;
  readonly declared: string | undefined;
  readonly live: string | undefined;
  /** For a list (policies): what AWS has that the file lacks, and the reverse. */
  readonly added?: readonly string[];
  readonly removed?: readonly string[];
}

export interface EntityDifferences {
  /** Declared, missing live (sorted). */
  readonly onlyDeclared: readonly string[];
  /** Live, not declared (sorted). */
  readonly onlyLive: readonly string[];
  readonly changed: readonly FieldChange[];
}

export interface StateDifferences {
  readonly permissionSets: EntityDifferences;
  readonly groups: EntityDifferences;
  readonly users: EntityDifferences;
  readonly memberships: { readonly onlyDeclared: readonly string[]; readonly onlyLive: readonly string[] };
  readonly assignments: { readonly onlyDeclared: readonly AssignmentState[]; readonly onlyLive: readonly AssignmentState[] };
  readonly accessControlAttributes: EntityDifferences;
}

const shown = (value: unknown): string | undefined =>
  value === undefined ? undefined : typeof value === "string" ? value : Array.isArray(value) ? value.join(", ") : JSON.stringify(value);

function entities<T extends object>(declared: ReadonlyMap<string, T>, live: ReadonlyMap<string, T>, external: ReadonlySet<string>): EntityDifferences {
  const onlyDeclared = [...declared.keys(), ...[...external].filter((n) => !live.has(n))].filter((n) => !live.has(n)).sort(byText);
  const onlyLive = [...live.keys()].filter((n) => !declared.has(n) && !external.has(n)).sort(byText);
  const changed: FieldChange[] = [];
  for (const [name, was] of [...declared].sort((a, b) => byText(a[0], b[0]))) {
    const is = live.get(name);
    if (!is) continue;
    const fields = [...new Set([...Object.keys(was), ...Object.keys(is)])].sort(byText);
    for (const field of fields) {
      const [x, y] = [(was as Record<string, unknown>)[field], (is as Record<string, unknown>)[field]];
      const [d, l] = [shown(x), shown(y)];
      if (d === l) continue;
      const lists = Array.isArray(x) && Array.isArray(y) ? { added: y.filter((i) => !x.includes(i)), removed: x.filter((i) => !y.includes(i)) } : {};
      changed.push({ name, field, declared: d, live: l, ...lists });
    }
  }
  return { onlyDeclared: [...new Set(onlyDeclared)], onlyLive, changed };
}

const byAssignment = (a: AssignmentState, b: AssignmentState) =>
  byText(a.principalType, b.principalType) || byText(a.principal, b.principal) || byText(a.permissionSet, b.permissionSet) || byText(a.accountId, b.accountId);

/**
 * How the live state differs from the declared one. External groups and users are compared by existence only, and
 * the memberships of external groups not at all: an identity provider manages them. Nor are the members of groups
 * the file does not declare.
 */
export function compareStates(declared: IdentityState, live: IdentityState): StateDifferences {
  // Members of a group the file does not create are not compared: the group itself is reported.
  const managedGroup = (key: string) => declared.groups.has(membershipParts(key)[0]);
  return {
    permissionSets: entities(declared.permissionSets, live.permissionSets, declared.existingSets),
    groups: entities(declared.groups, live.groups, declared.externalGroups),
    users: entities(declared.users, live.users, declared.externalUsers),
    memberships: {
      onlyDeclared: [...declared.memberships].filter((m) => !live.memberships.has(m)).sort(byText),
      onlyLive: [...live.memberships].filter((m) => managedGroup(m) && !declared.memberships.has(m)).sort(byText),
    },
    assignments: {
      onlyDeclared: [...declared.assignments]
        .filter(([k]) => !live.assignments.has(k))
        .map(([, a]) => a)
        .sort(byAssignment),
      onlyLive: [...live.assignments]
        .filter(([k]) => !declared.assignments.has(k))
        .map(([, a]) => a)
        .sort(byAssignment),
    },
    accessControlAttributes: entities(declared.accessControlAttributes, live.accessControlAttributes, new Set()),
  };
}

/** Whether two states are the same in everything compareStates compares. */
export function noDifferences(d: StateDifferences): boolean {
  return (
    [d.permissionSets, d.groups, d.users, d.accessControlAttributes].every((e) => e.onlyDeclared.length + e.onlyLive.length + e.changed.length === 0) &&
    d.memberships.onlyDeclared.length + d.memberships.onlyLive.length + d.assignments.onlyDeclared.length + d.assignments.onlyLive.length === 0
  );
}
