import { z } from "zod";
import { byText } from "../common/order";
import { loadDataFile, type DataResult } from "../validate/dataFile";
import { TYPE, declKey, foundBy, planDecls, type Plan } from "../expand/plan";
import { assignmentName } from "../expand/names";
import { MAX_SNAPSHOT_BYTES, type Snapshot } from "./snapshot";
import { groupName } from "./state";

/**
 * The import id of every AWS resource a plan declares that exists in a snapshot, in the formats of the provider's
 * `## Import` sections (test/adopt.test.ts reads them from @pulumi/aws): `pulumi up` with these ids takes over
 * what exists instead of creating it. Note the order: the exclusive policy attachments take
 * `instanceArn,permissionSetArn`, the permission set, its inline policy and its boundary `permissionSetArn,instanceArn`.
 */

/** adopt.json: import ids by resource type token, then by logical name. */
export interface AdoptFile {
  readonly version: 1;
  readonly instanceArn: string;
  readonly identityStoreId: string;
  readonly resources: { readonly [type: string]: { readonly [logicalName: string]: string } };
}

export const importId = {
  permissionSet: (setArn: string, instanceArn: string) => `${setArn},${instanceArn}`,
  policyAttachmentsExclusive: (instanceArn: string, setArn: string) => `${instanceArn},${setArn}`,
  inlinePolicy: (setArn: string, instanceArn: string) => `${setArn},${instanceArn}`,
  permissionsBoundary: (setArn: string, instanceArn: string) => `${setArn},${instanceArn}`,
  identityStoreEntity: (identityStoreId: string, id: string) => `${identityStoreId}/${id}`,
  accessControlAttributes: (instanceArn: string) => instanceArn,
  accountAssignment: (principalId: string, principalType: string, accountId: string, setArn: string, instanceArn: string) =>
    `${principalId},${principalType},${accountId},AWS_ACCOUNT,${setArn},${instanceArn}`,
};

/** The import id of each resource of a permission set, from the set's ARN and the instance's. */
const BY_SET: Partial<Record<string, (setArn: string, instanceArn: string) => string>> = {
  [TYPE.permissionSet]: importId.permissionSet,
  [TYPE.managedPolicies]: (arn, instance) => importId.policyAttachmentsExclusive(instance, arn),
  [TYPE.customerManagedPolicies]: (arn, instance) => importId.policyAttachmentsExclusive(instance, arn),
  [TYPE.inlinePolicy]: importId.inlinePolicy,
  [TYPE.permissionsBoundary]: importId.permissionsBoundary,
};

/** Import ids for the plan's AWS resources found in the snapshot; a resource the snapshot lacks gets none (it is created). */
export function importIdsOf(plan: Plan, snapshot: Snapshot): AdoptFile {
  const { InstanceArn: instance, IdentityStoreId: store } = snapshot.instance;
  const setArn = new Map(snapshot.permissionSets.map((s) => [s.Name, s.PermissionSetArn]));
  // A group's display name: what it is created with, or what an external group is looked up by.
  const displayName = (g: Plan["groups"][number]) =>
    (g.children.find((d) => d.type === TYPE.group)?.inputs.displayName as string | undefined) ?? foundBy(g.lookups[0]);
  const groupKeys = new Map(plan.groups.map((g) => [g.name, displayName(g)]));
  const groupId = new Map(snapshot.groups.map((g) => [groupName(g), g.GroupId]));
  const userId = new Map(snapshot.users.map((u) => [u.UserName, u.UserId]));
  const membershipId = new Map(snapshot.groupMemberships.map((m) => [`${m.GroupId}/${m.MemberId.UserId}`, m.MembershipId]));
  const resources: Record<string, Record<string, string>> = {};
  const put = (type: string, name: string, id: string | undefined) => {
    if (id !== undefined) (resources[type] ??= {})[name] = id;
  };
  for (const part of plan.permissionSets) {
    const arn = setArn.get(part.name);
    if (arn === undefined) continue;
    for (const d of part.children) put(d.type, d.name, BY_SET[d.type]?.(arn, instance));
  }
  for (const d of planDecls(plan)) {
    if (d.type === TYPE.accessControlAttributes && snapshot.accessControlAttributes?.length) put(d.type, d.name, importId.accessControlAttributes(instance));
    if (d.type === TYPE.user) put(d.type, d.name, userId.has(d.name) ? importId.identityStoreEntity(store, userId.get(d.name)!) : undefined);
    if (d.type === TYPE.group) {
      const id = groupId.get(d.inputs.displayName as string);
      put(d.type, d.name, id === undefined ? undefined : importId.identityStoreEntity(store, id));
    }
    if (d.type === TYPE.groupMembership) {
      // `<group key>/<user name>`: group keys hold no "/".
      const slash = d.name.indexOf("/");
      const [group, user] = [groupId.get(groupKeys.get(d.name.slice(0, slash))!), userId.get(d.name.slice(slash + 1))];
      const id = group === undefined || user === undefined ? undefined : membershipId.get(`${group}/${user}`);
      put(d.type, d.name, id === undefined ? undefined : importId.identityStoreEntity(store, id));
    }
  }
  for (const row of plan.assignments) {
    const principalId = row.principalType === "GROUP" ? groupId.get(groupKeys.get(row.principalName)!) : userId.get(row.principalName);
    const arn = setArn.get(row.permissionSet);
    const name = assignmentName(row.principalType, row.principalName, row.permissionSet, row.accountId);
    if (principalId !== undefined && arn !== undefined)
      put(TYPE.accountAssignment, name, importId.accountAssignment(principalId, row.principalType, row.accountId, arn, instance));
  }
  return { version: 1, instanceArn: instance, identityStoreId: store, resources };
}

const AdoptFileSchema = z.strictObject({
  version: z.literal(1, { error: "version must be 1" }),
  instanceArn: z.string().regex(/^arn:aws(?:-[a-z]+)*:sso:::instance\/(?:sso)?ins-[\da-f]{16}$/, "instanceArn is an Identity Center instance ARN"),
  identityStoreId: z.string().min(1),
  resources: z.partialRecord(
    z.enum(Object.values(TYPE).filter((t) => t.startsWith("aws:")) as [string, ...string[]], {
      error: "a resource type the program declares, e.g. aws:ssoadmin/permissionSet:PermissionSet",
    }),
    z.record(z.string(), z.string().min(1)),
  ),
});

/** Reads adopt.json as the program reads it: every problem located. */
export function loadAdoptFile(file: string, shownName = file): DataResult<AdoptFile> {
  return loadDataFile(file, shownName, "the adopt.json that sso-access adopt wrote", MAX_SNAPSHOT_BYTES, AdoptFileSchema as unknown as z.ZodType<AdoptFile>);
}

/** The import id of each declaration (by `type::name`) the adopt file names; and what it names that the plan does not declare. */
export function importsFor(plan: Plan, adoptFile: AdoptFile): { imports: Map<string, string>; unknown: string[] } {
  const declared = new Set(planDecls(plan).map((d) => declKey(d.type, d.name)));
  const imports = new Map<string, string>();
  const unknown: string[] = [];
  for (const [type, byName] of Object.entries(adoptFile.resources)) {
    for (const [name, id] of Object.entries(byName)) {
      const key = declKey(type, name);
      if (declared.has(key)) imports.set(key, id);
      else unknown.push(key);
    }
  }
  return { imports, unknown: unknown.sort(byText) };
}
