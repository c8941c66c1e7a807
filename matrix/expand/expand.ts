import { DEFAULT_SESSION_DURATION } from "../aws/limits";
import { managedPolicyArn, partitionOf } from "../aws/policies";
import { byText, groupBy, sortedRecord } from "../common/order";
import { inventoryOf } from "../model/accounts";
import type { Matrix, PermissionSet, ValidMatrix } from "../model/matrix";
import { groupMembers } from "../model/members";
import { expandAssignments } from "./assignments";
import { ACCESS_CONTROL_ATTRIBUTES_NAME, PROVIDER_NAME, ROOT_NAME, assignmentName, attachmentName, membershipName } from "./names";
import {
  LOOKUP,
  TYPE,
  declKey,
  type AssignmentRow,
  type ComponentPlan,
  type Decl,
  type Display,
  type LookupDecl,
  type Part,
  type Plan,
  type Ref,
  type ResourceType,
  type Value,
} from "./plan";

/**
 * Expands a valid access matrix into the plan: the one implementation of every rule that decides what exists
 * (targets, exclusions, de-duplication, policy ARNs, logical names). The Pulumi components and the offline
 * commands both consume its result. Logical names come from expand/names.ts.
 */

/**
 * Identity Center throttles its APIs together and runs few assignment creations at once (aws/limits.ts,
 * API_REQUESTS_PER_SECOND and MAX_OUTSTANDING_ASSIGNMENT_CREATIONS); the provider retries throttling and conflicts,
 * so give it room (the SDK's default is 3 attempts).
 */
export const PROVIDER_MAX_RETRIES = 25;

const INSTANCE_ARN: Ref = { $instance: "arn" };
const IDENTITY_STORE_ID: Ref = { $instance: "identityStoreId" };

function decl(type: ResourceType, name: string, parent: string | null, inputs: Decl["inputs"] = {}, dependsOn: readonly string[] = []): Decl {
  return { key: declKey(type, name), type, name, parent, inputs, dependsOn };
}

const ref = (d: Decl, output: string): Ref => ({ $ref: d.key, output });

/** A lookup of a user or group by a unique attribute; `field` is the access.yaml key its value comes from. */
function lookupDecl(token: LookupDecl["token"], key: string, parent: string, attributePath: string, attributeValue: string, field: string): LookupDecl {
  return {
    key,
    token,
    parent,
    args: { identityStoreId: IDENTITY_STORE_ID, alternateIdentifier: { uniqueAttribute: { attributePath, attributeValue } } },
    fields: { "alternateIdentifier.uniqueAttribute.attributeValue": field },
  };
}

export function expand(valid: ValidMatrix): Plan {
  const { matrix, inlinePolicies } = valid;
  const region = matrix.identityCenter.region;
  const partition = partitionOf(region);
  const root = decl(TYPE.root, ROOT_NAME, null);
  const provider = decl(TYPE.provider, PROVIDER_NAME, root.key, { region, retryMode: "adaptive", maxRetries: PROVIDER_MAX_RETRIES });
  const inventory = inventoryOf(matrix.accounts);
  // Assignments first: the policy attachments of a permission set depend on its assignments.
  const rows = expandAssignments(matrix.assignments ?? [], inventory);
  const users = expandUsers(matrix, root.key);
  const groups = expandGroups(matrix, root.key, users);
  const assignmentsBySet = new Map(groupBy(rows, (r) => r.permissionSet).map(([set, list]) => [set, list.map(assignmentKeyOf)]));
  const permissionSets = Object.keys(matrix.permissionSets ?? {})
    .sort(byText)
    .map((name) => expandPermissionSet(name, matrix.permissionSets![name], inlinePolicies.get(name), partition, root.key, assignmentsBySet.get(name) ?? []));
  const principals = { GROUP: outputsOf(groups, "groupId"), USER: outputsOf(users, "userId") };
  return {
    settings: { startUrl: matrix.identityCenter.startUrl, region, partition },
    instance: expandInstance(matrix, root.key),
    inventory: inventory.map((a) => ({
      name: a.name,
      id: a.id,
      ...(a.ou !== undefined ? { ou: a.ou } : {}),
      management: a.management ?? false,
      ...(a.status !== undefined && a.status !== "ACTIVE" ? { status: a.status } : {}),
    })),
    root,
    provider,
    permissionSets,
    users,
    groups,
    accounts: expandAccounts(rows, root.key, outputsOf(permissionSets, "arn"), principals),
    assignments: rows,
  };
}

const assignmentKeyOf = (r: AssignmentRow): string =>
  declKey(TYPE.accountAssignment, assignmentName(r.principalType, r.principalName, r.permissionSet, r.accountId));

const outputsOf = (parts: readonly Part[], output: string): Map<string, Ref> => new Map(parts.map((p) => [p.name, p.outputs[output]]));

/**
 * Users: created, or looked up by user name when external; under the root, each with an alias to the component it
 * had before, so that stacks deployed with a component per user replace nothing.
 */
function expandUsers(matrix: Matrix, root: string): Part[] {
  return Object.keys(matrix.users ?? {})
    .sort(byText)
    .map((name) => {
      const user = matrix.users![name];
      if (user.external) {
        const lookup = lookupDecl(LOOKUP.user, `user/${name}`, root, "UserName", name, "userName");
        return { name, children: [], lookups: [lookup], outputs: { userId: { $lookup: lookup.key, output: "userId" } } };
      }
      const resource: Decl = {
        ...decl(TYPE.user, name, root, {
          identityStoreId: IDENTITY_STORE_ID,
          userName: name,
          displayName: user.displayName!,
          name: { givenName: user.givenName!, familyName: user.familyName! },
          emails: { value: user.email!, primary: true },
        }),
        fields: { "name.givenName": "givenName", "name.familyName": "familyName", "emails.value": "email" },
        formerParent: { type: TYPE.userComponent, name },
      };
      return { name, children: [resource], lookups: [], outputs: { userId: ref(resource, "userId") } };
    });
}

/** Groups: created with their memberships, or looked up by display name when external. */
function expandGroups(matrix: Matrix, root: string, users: readonly Part[]): ComponentPlan[] {
  const members = groupMembers(matrix);
  const userIds = outputsOf(users, "userId");
  return Object.keys(matrix.groups ?? {})
    .sort(byText)
    .map((key) => {
      const group = matrix.groups![key];
      const displayName = group.displayName ?? key;
      const component = decl(TYPE.groupComponent, key, root);
      const membershipsOf = (groupId: Ref) =>
        members
          .get(key)!
          .map((user) =>
            decl(TYPE.groupMembership, membershipName(key, user), component.key, { identityStoreId: IDENTITY_STORE_ID, groupId, memberId: userIds.get(user)! }),
          );
      if (group.external || group.existing) {
        // Looked up by display name; an existing group (the directory's) gets the members listed here.
        const found = lookupDecl(LOOKUP.group, `group/${key}`, component.key, "DisplayName", displayName, "displayName");
        const lookup: LookupDecl = group.existing ? { ...found, existing: true } : found;
        const groupId: Ref = { $lookup: lookup.key, output: "groupId" };
        return { name: key, component, children: group.existing ? membershipsOf(groupId) : [], lookups: [lookup], outputs: { groupId } };
      }
      const resource = decl(TYPE.group, key, component.key, {
        identityStoreId: IDENTITY_STORE_ID,
        displayName,
        ...(group.description !== undefined ? { description: group.description } : {}),
      });
      return {
        name: key,
        component,
        children: [resource, ...membershipsOf(ref(resource, "groupId"))],
        lookups: [],
        outputs: { groupId: ref(resource, "groupId") },
      };
    });
}

/** The instance's attributes for access control (ABAC), sorted by key; nothing when the file declares none. */
function expandInstance(matrix: Matrix, root: string): Part {
  const attributes = Object.entries(matrix.identityCenter.accessControlAttributes ?? {}).sort((a, b) => byText(a[0], b[0]));
  const children = attributes.length
    ? [
        {
          ...decl(TYPE.accessControlAttributes, ACCESS_CONTROL_ATTRIBUTES_NAME, root, {
            instanceArn: INSTANCE_ARN,
            attributes: attributes.map(([key, source]) => ({ key, values: [{ sources: [source] }] })),
          }),
          fields: { attributes: "accessControlAttributes" },
        },
      ]
    : [];
  return { name: "instance", children, lookups: [], outputs: {} };
}

/** A permission set with its exclusive policy attachments, inline policy and boundary. */
function expandPermissionSet(
  name: string,
  set: PermissionSet,
  inlinePolicy: string | undefined,
  partition: string,
  root: string,
  assignments: readonly string[],
): ComponentPlan {
  const component = decl(TYPE.permissionSetComponent, name, root);
  if (set.existing) {
    // Not managed here: found by name in the instance, assigned, never changed or deleted.
    const lookup: LookupDecl = {
      key: `permissionSet/${name}`,
      token: LOOKUP.permissionSet,
      parent: component.key,
      args: { instanceArn: INSTANCE_ARN, name },
      existing: true,
    };
    return { name, component, children: [], lookups: [lookup], outputs: { arn: { $lookup: lookup.key, output: "arn" } } };
  }
  const resource = decl(TYPE.permissionSet, name, component.key, {
    instanceArn: INSTANCE_ARN,
    name,
    ...(set.description !== undefined ? { description: set.description } : {}),
    sessionDuration: set.sessionDuration ?? DEFAULT_SESSION_DURATION,
    ...(set.relayState !== undefined ? { relayState: set.relayState } : {}),
    ...(set.tags !== undefined ? { tags: sortedRecord(set.tags) } : {}),
  });
  // The provider's docs make policy attachments depend on the set's assignments, so that a destroy removes the
  // attachment (which re-provisions the set) before the assignments: terraform-provider-aws #33337, #23585.
  // The set's attachments form a chain: the first depends on the assignments, each next one on the one before.
  // Every attachment still comes after (and goes before) every assignment, one edge per assignment instead of
  // one per assignment and attachment, and no two attachments of a set provision it at the same time.
  let after = assignments;
  // Each attachment has one input of its own; `field` is the access.yaml key it expresses when the names differ.
  const attachment = (type: ResourceType, kind: string, input: string, value: Value, display: Display, field?: string) => {
    const inherited = { instanceArn: INSTANCE_ARN, permissionSetArn: ref(resource, "arn") };
    const d: Decl = {
      ...decl(type, attachmentName(name, kind), component.key, { ...inherited, [input]: value }, after),
      ...(field ? { fields: { [input]: field } } : {}),
      display: { [input]: display },
    };
    after = [d.key];
    return d;
  };
  const children: Decl[] = [
    resource,
    // Exclusive attachments are declared even when empty: a policy attached by hand in the console is removed.
    attachment(
      TYPE.managedPolicies,
      "managed-policies",
      "managedPolicyArns",
      [...new Set((set.managedPolicies ?? []).map((p) => managedPolicyArn(p, partition)))].sort(byText),
      "policy",
      "managedPolicies",
    ),
    attachment(
      TYPE.customerManagedPolicies,
      "customer-managed-policies",
      "customerManagedPolicyReferences",
      (set.customerManagedPolicies ?? []).map((p) => ({ name: p.name, path: p.path ?? "/" })).sort((a, b) => byText(a.path + a.name, b.path + b.name)),
      "policy",
      "customerManagedPolicies",
    ),
  ];
  if (inlinePolicy !== undefined) children.push(attachment(TYPE.inlinePolicy, "inline-policy", "inlinePolicy", inlinePolicy, "document"));
  const boundary = set.permissionsBoundary;
  if (boundary) {
    const permissionsBoundary: Value = boundary.managedPolicy
      ? { managedPolicyArn: managedPolicyArn(boundary.managedPolicy, partition) }
      : { customerManagedPolicyReference: { name: boundary.customerManagedPolicy!.name, path: boundary.customerManagedPolicy!.path ?? "/" } };
    children.push(attachment(TYPE.permissionsBoundary, "permissions-boundary", "permissionsBoundary", permissionsBoundary, "policy"));
  }
  return { name, component, children, lookups: [], outputs: { arn: ref(resource, "arn") } };
}

/** One component per account that has assignments, named by account id (never by inventory name). */
function expandAccounts(
  rows: readonly AssignmentRow[],
  root: string,
  setArns: ReadonlyMap<string, Ref>,
  principals: Record<AssignmentRow["principalType"], ReadonlyMap<string, Ref>>,
): ComponentPlan[] {
  const rowsByAccount = new Map<string, AssignmentRow[]>();
  for (const row of rows) {
    if (!rowsByAccount.has(row.accountId)) rowsByAccount.set(row.accountId, []);
    rowsByAccount.get(row.accountId)!.push(row);
  }
  return [...rowsByAccount.keys()].sort(byText).map((accountId) => {
    const component = decl(TYPE.accountComponent, accountId, root);
    const children = rowsByAccount.get(accountId)!.map((row) =>
      decl(TYPE.accountAssignment, assignmentName(row.principalType, row.principalName, row.permissionSet, row.accountId), component.key, {
        instanceArn: INSTANCE_ARN,
        permissionSetArn: setArns.get(row.permissionSet)!,
        principalId: principals[row.principalType].get(row.principalName)!,
        principalType: row.principalType,
        targetId: row.accountId,
        targetType: "AWS_ACCOUNT",
      }),
    );
    return { name: accountId, component, children, lookups: [], outputs: {} };
  });
}
