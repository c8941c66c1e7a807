import { groupMembers } from "./access";
import type { ValidMatrix } from "./load";
import { managedPolicyArn, partitionOf } from "./policies";
import type { Account, AccountSelector, Assignment } from "./schema";
import {
  LOOKUP,
  TYPE,
  byText,
  declKey,
  type AssignmentRow,
  type ComponentPlan,
  type Decl,
  type LookupDecl,
  type Part,
  type Plan,
  type PrincipalType,
  type Ref,
  type ResourceType,
  type Value,
} from "./plan";

/**
 * Expands a valid access matrix into the plan: the one implementation of every rule that decides what exists
 * (targets, exclusions, de-duplication, policy ARNs, logical names). The Pulumi components and the offline
 * commands both consume its result.
 *
 * Logical names come from names and ids only: permission set name, group key, user name, account id. Nothing
 * depends on list positions, the order of the file or an account's inventory name, so reordering, renaming an
 * inventory key or editing a description replaces nothing.
 */

/** The top-level component's logical name. */
export const ROOT_NAME = "access";
/** The explicit AWS provider's logical name. Changing it would replace every resource. */
export const PROVIDER_NAME = "identity-center";
/**
 * Identity Center shares a 20 requests/second throttle and allows 10 outstanding assignment creations; the
 * provider retries throttling and conflicts, so give it room (the SDK's default is 3 attempts).
 */
export const PROVIDER_MAX_RETRIES = 25;
/** Identity Center's default session duration, declared explicitly so the plan shows it. */
export const DEFAULT_SESSION_DURATION = "PT1H";

const INSTANCE_ARN: Ref = { $instance: "arn" };
const IDENTITY_STORE_ID: Ref = { $instance: "identityStoreId" };

export interface InventoryAccount extends Account {
  readonly name: string;
}

/** Logical name of the assignment of `permissionSet` to `principal` in account `accountId`. Permission set names and ids hold no "/", so the name is unambiguous. */
export function assignmentName(principalType: PrincipalType, principalName: string, permissionSet: string, accountId: string): string {
  return `${principalType.toLowerCase()}/${principalName}/${permissionSet}/${accountId}`;
}

/** Logical name of a group membership; group keys hold no "/". */
export function membershipName(groupKey: string, userName: string): string {
  return `${groupKey}/${userName}`;
}

export function expand(valid: ValidMatrix): Plan {
  const { matrix, inlinePolicies } = valid;
  const region = matrix.identityCenter.region;
  const partition = partitionOf(region);

  const decl = (type: ResourceType, name: string, parent: string | null, inputs: Decl["inputs"] = {}, dependsOn: string[] = []): Decl => ({
    key: declKey(type, name),
    type,
    name,
    parent,
    inputs,
    dependsOn,
  });
  const ref = (d: Decl, output: string): Ref => ({ $ref: d.key, output });

  const root = decl(TYPE.root, ROOT_NAME, null);
  const provider = decl(TYPE.provider, PROVIDER_NAME, root.key, { region, retryMode: "adaptive", maxRetries: PROVIDER_MAX_RETRIES });

  const inventory: InventoryAccount[] = Object.entries(matrix.accounts)
    .map(([name, account]) => ({ ...account, name }))
    .sort((a, b) => byText(a.id, b.id));
  const permissionSetNames = Object.keys(matrix.permissionSets ?? {}).sort(byText);
  const userNames = Object.keys(matrix.users ?? {}).sort(byText);
  const groupKeys = Object.keys(matrix.groups ?? {}).sort(byText);

  // Assignments first: the policy attachments of a permission set depend on its assignments.
  const rows = expandAssignments(matrix.assignments ?? [], inventory);

  // Users: created, or looked up by user name when external; under the root, each with an alias to the component
  // it had before, so that stacks deployed with a component per user replace nothing.
  const userRefs = new Map<string, Ref>();
  const users: Part[] = userNames.map((name) => {
    const user = matrix.users![name];
    if (user.external) {
      const lookup = lookupDecl(LOOKUP.user, `user/${name}`, root.key, "UserName", name);
      userRefs.set(name, { $lookup: lookup.key, output: "userId" });
      return { name, children: [], lookups: [lookup], outputs: { userId: userRefs.get(name)! } };
    }
    const resource: Decl = {
      ...decl(TYPE.user, name, root.key, {
        identityStoreId: IDENTITY_STORE_ID,
        userName: name,
        displayName: user.displayName!,
        name: { givenName: user.givenName!, familyName: user.familyName! },
        emails: { value: user.email!, primary: true },
      }),
      formerParent: { type: TYPE.userComponent, name },
    };
    userRefs.set(name, ref(resource, "userId"));
    return { name, children: [resource], lookups: [], outputs: { userId: ref(resource, "userId") } };
  });

  // Groups: created with their memberships, or looked up by display name when external.
  const members = groupMembers(matrix);
  const groupRefs = new Map<string, Ref>();
  const groups: ComponentPlan[] = groupKeys.map((key) => {
    const group = matrix.groups![key];
    const displayName = group.displayName ?? key;
    const component = decl(TYPE.groupComponent, key, root.key);
    if (group.external) {
      const lookup = lookupDecl(LOOKUP.group, `group/${key}`, component.key, "DisplayName", displayName);
      groupRefs.set(key, { $lookup: lookup.key, output: "groupId" });
      return { name: key, component, children: [], lookups: [lookup], outputs: { groupId: groupRefs.get(key)! } };
    }
    const resource = decl(TYPE.group, key, component.key, {
      identityStoreId: IDENTITY_STORE_ID,
      displayName,
      ...(group.description !== undefined ? { description: group.description } : {}),
    });
    groupRefs.set(key, ref(resource, "groupId"));
    const memberships = members.get(key)!.map((user) =>
      decl(TYPE.groupMembership, membershipName(key, user), component.key, {
        identityStoreId: IDENTITY_STORE_ID,
        groupId: ref(resource, "groupId"),
        memberId: userRefs.get(user)!,
      }),
    );
    return { name: key, component, children: [resource, ...memberships], lookups: [], outputs: { groupId: ref(resource, "groupId") } };
  });

  // Permission sets, each with its exclusive policy attachments.
  const setDecls = new Map<string, Decl>();
  const assignmentKeysBySet = new Map<string, string[]>();
  for (const row of rows) {
    const key = declKey(TYPE.accountAssignment, assignmentName(row.principalType, row.principalName, row.permissionSet, row.accountId));
    if (!assignmentKeysBySet.has(row.permissionSet)) assignmentKeysBySet.set(row.permissionSet, []);
    assignmentKeysBySet.get(row.permissionSet)!.push(key);
  }
  const permissionSets: ComponentPlan[] = permissionSetNames.map((name) => {
    const set = matrix.permissionSets![name];
    const component = decl(TYPE.permissionSetComponent, name, root.key);
    const resource = decl(TYPE.permissionSet, name, component.key, {
      instanceArn: INSTANCE_ARN,
      name,
      ...(set.description !== undefined ? { description: set.description } : {}),
      sessionDuration: set.sessionDuration ?? DEFAULT_SESSION_DURATION,
      ...(set.relayState !== undefined ? { relayState: set.relayState } : {}),
      ...(set.tags !== undefined ? { tags: sortedRecord(set.tags) } : {}),
    });
    setDecls.set(name, resource);
    // The provider's docs make policy attachments depend on the set's assignments, so that a destroy removes the
    // attachment (which re-provisions the set) before the assignments: terraform-provider-aws #33337, #23585.
    // The set's attachments form a chain: the first depends on the assignments, each next one on the one before.
    // Every attachment still comes after (and goes before) every assignment, one edge per assignment instead of
    // one per assignment and attachment, and no two attachments of a set provision it at the same time.
    let after = assignmentKeysBySet.get(name) ?? [];
    const attachment = (type: ResourceType, suffix: string, inputs: Record<string, Value>) => {
      const d = decl(type, `${name}-${suffix}`, component.key, { instanceArn: INSTANCE_ARN, permissionSetArn: ref(resource, "arn"), ...inputs }, after);
      after = [d.key];
      return d;
    };
    const children: Decl[] = [
      resource,
      // Exclusive attachments are declared even when empty: a policy attached by hand in the console is removed.
      attachment(TYPE.managedPolicies, "managed-policies", {
        managedPolicyArns: [...new Set((set.managedPolicies ?? []).map((p) => managedPolicyArn(p, partition)))].sort(byText),
      }),
      attachment(TYPE.customerManagedPolicies, "customer-managed-policies", {
        customerManagedPolicyReferences: (set.customerManagedPolicies ?? [])
          .map((p) => ({ name: p.name, path: p.path ?? "/" }))
          .sort((a, b) => byText(a.path + a.name, b.path + b.name)),
      }),
    ];
    const inline = inlinePolicies.get(name);
    if (inline !== undefined) children.push(attachment(TYPE.inlinePolicy, "inline-policy", { inlinePolicy: inline }));
    const boundary = set.permissionsBoundary;
    if (boundary) {
      const permissionsBoundary: Value = boundary.managedPolicy
        ? { managedPolicyArn: managedPolicyArn(boundary.managedPolicy, partition) }
        : { customerManagedPolicyReference: { name: boundary.customerManagedPolicy!.name, path: boundary.customerManagedPolicy!.path ?? "/" } };
      children.push(attachment(TYPE.permissionsBoundary, "permissions-boundary", { permissionsBoundary }));
    }
    return { name, component, children, lookups: [], outputs: { arn: ref(resource, "arn") } };
  });

  // One component per account that has assignments, named by account id (never by inventory name).
  const rowsByAccount = new Map<string, AssignmentRow[]>();
  for (const row of rows) {
    if (!rowsByAccount.has(row.accountId)) rowsByAccount.set(row.accountId, []);
    rowsByAccount.get(row.accountId)!.push(row);
  }
  const accounts: ComponentPlan[] = [...rowsByAccount.keys()].sort(byText).map((accountId) => {
    const component = decl(TYPE.accountComponent, accountId, root.key);
    const children = rowsByAccount.get(accountId)!.map((row) =>
      decl(TYPE.accountAssignment, assignmentName(row.principalType, row.principalName, row.permissionSet, row.accountId), component.key, {
        instanceArn: INSTANCE_ARN,
        permissionSetArn: ref(setDecls.get(row.permissionSet)!, "arn"),
        principalId: row.principalType === "GROUP" ? groupRefs.get(row.principalName)! : userRefs.get(row.principalName)!,
        principalType: row.principalType,
        targetId: row.accountId,
        targetType: "AWS_ACCOUNT",
      }),
    );
    return { name: accountId, component, children, lookups: [], outputs: {} };
  });

  return {
    settings: { startUrl: matrix.identityCenter.startUrl, region, partition },
    inventory: inventory.map((a) => ({ name: a.name, id: a.id, ...(a.ou !== undefined ? { ou: a.ou } : {}), management: a.management ?? false })),
    root,
    provider,
    permissionSets,
    users,
    groups,
    accounts,
    assignments: rows,
  };
}

function lookupDecl(token: LookupDecl["token"], key: string, parent: string, attributePath: string, attributeValue: string): LookupDecl {
  return {
    key,
    token,
    parent,
    args: { identityStoreId: IDENTITY_STORE_ID, alternateIdentifier: { uniqueAttribute: { attributePath, attributeValue } } },
  };
}

function sortedRecord(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort((a, b) => byText(a[0], b[0])));
}

/**
 * The effective assignments of the file. Targets are the union of `accounts`, `ous`, `tags` and `allAccounts`, less
 * `exclude`. OU, tag and all-account targets skip the management account (a delegated administrator cannot assign
 * there); naming it in `accounts` includes it. An exclusion wins over everything. The same principal, permission
 * set and account reached twice is one assignment.
 */
export function expandAssignments(entries: readonly Assignment[], inventory: readonly InventoryAccount[]): AssignmentRow[] {
  const names = indexOf(inventory).nameOf;
  const rows = new Map<string, AssignmentRow>();
  for (const entry of entries) {
    const principalType: PrincipalType = entry.group !== undefined ? "GROUP" : "USER";
    const principalName = (entry.group ?? entry.user)!;
    for (const accountId of reachedAccounts(entry, inventory)) {
      const accountName = names.get(accountId)!;
      for (const permissionSet of entry.permissionSets) {
        const key = `${principalType}\u0000${principalName}\u0000${permissionSet}\u0000${accountId}`;
        rows.set(key, { principalType, principalName, permissionSet, accountId, accountName });
      }
    }
  }
  return [...rows.values()].sort(
    (a, b) =>
      byText(a.principalType, b.principalType) ||
      byText(a.principalName, b.principalName) ||
      byText(a.permissionSet, b.permissionSet) ||
      byText(a.accountId, b.accountId),
  );
}

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
    const id = index.byRef.get(ref);
    if (id !== undefined) chosen.add(id);
  }
  const add = (ids: Iterable<string>) => {
    for (const id of ids) if (!(skipManagement && index.management.has(id))) chosen.add(id);
  };
  if (selector.allAccounts) add(index.all);
  for (const ou of selector.ous ?? []) add(index.byOu.get(ou) ?? []);
  const tags = Object.entries(selector.tags ?? {});
  if (tags.length) {
    // Every key must match: intersect, per key, the accounts with any accepted value.
    const perKey = tags.map(
      ([key, wanted]) => new Set((Array.isArray(wanted) ? wanted : [wanted]).flatMap((value) => index.byTag.get(`${key}\u0000${value}`) ?? [])),
    );
    perKey.sort((a, b) => a.size - b.size);
    add([...perKey[0]].filter((id) => perKey.every((ids) => ids.has(id))));
  }
  return chosen;
}

/** Lookups over one inventory, built once per inventory: selecting is then proportional to what is selected. */
interface AccountIndex {
  readonly all: readonly string[];
  readonly management: ReadonlySet<string>;
  /** Inventory name and id to id. */
  readonly byRef: ReadonlyMap<string, string>;
  /** Id to inventory name. */
  readonly nameOf: ReadonlyMap<string, string>;
  /** OU path to the ids of every account in it or below. */
  readonly byOu: ReadonlyMap<string, readonly string[]>;
  /** `key\0value` to the ids of the accounts with that tag. */
  readonly byTag: ReadonlyMap<string, readonly string[]>;
}

const indexes = new WeakMap<readonly InventoryAccount[], AccountIndex>();

function indexOf(inventory: readonly InventoryAccount[]): AccountIndex {
  const known = indexes.get(inventory);
  if (known) return known;
  const byRef = new Map<string, string>();
  const byOu = new Map<string, string[]>();
  const byTag = new Map<string, string[]>();
  const push = (map: Map<string, string[]>, key: string, id: string) => {
    if (!map.has(key)) map.set(key, []);
    map.get(key)!.push(id);
  };
  for (const a of inventory) {
    byRef.set(a.name, a.id);
    byRef.set(a.id, a.id);
    for (const ou of ouPrefixes(a.ou)) push(byOu, ou, a.id);
    for (const [key, value] of Object.entries(a.tags ?? {})) push(byTag, `${key}\u0000${value}`, a.id);
  }
  const nameOf = new Map(inventory.map((a) => [a.id, a.name]));
  const index = { all: inventory.map((a) => a.id), management: new Set(inventory.filter((a) => a.management).map((a) => a.id)), byRef, nameOf, byOu, byTag };
  indexes.set(inventory, index);
  return index;
}

/** Everything an OU target can name: each account's OU and all of its ancestors. */
export function ouPrefixes(ou: string | undefined): string[] {
  if (!ou) return [];
  const parts = ou.split("/");
  return parts.map((_, i) => parts.slice(0, i + 1).join("/"));
}
