import { byText } from "../common/order";

/**
 * The plan: every resource the Pulumi program registers, with its type, logical name, parent and inputs.
 *
 * expand.ts builds it from a valid matrix; components/ declare exactly these resources (they take names and
 * inputs from here and compute none of their own); the offline commands print it. Inputs that are only known
 * in AWS (ARNs, ids) are references, resolved by the components at deployment.
 */

/** Pulumi type tokens. The component tokens must never change after a release: that would re-create everything. */
export const TYPE = {
  root: "sso-access:index:AccessMatrix",
  permissionSetComponent: "sso-access:index:PermissionSet",
  groupComponent: "sso-access:index:Group",
  /**
   * Retired: each user had a component of this type until users moved under the root (a registration per person
   * was a large part of the program's cost: bench/README.md). Users keep an alias to it, so nothing is replaced.
   */
  userComponent: "sso-access:index:User",
  accountComponent: "sso-access:index:AccountAssignments",
  provider: "pulumi:providers:aws",
  permissionSet: "aws:ssoadmin/permissionSet:PermissionSet",
  managedPolicies: "aws:ssoadmin/managedPolicyAttachmentsExclusive:ManagedPolicyAttachmentsExclusive",
  customerManagedPolicies: "aws:ssoadmin/customerManagedPolicyAttachmentsExclusive:CustomerManagedPolicyAttachmentsExclusive",
  inlinePolicy: "aws:ssoadmin/permissionSetInlinePolicy:PermissionSetInlinePolicy",
  permissionsBoundary: "aws:ssoadmin/permissionsBoundaryAttachment:PermissionsBoundaryAttachment",
  group: "aws:identitystore/group:Group",
  groupMembership: "aws:identitystore/groupMembership:GroupMembership",
  user: "aws:identitystore/user:User",
  accountAssignment: "aws:ssoadmin/accountAssignment:AccountAssignment",
  accessControlAttributes: "aws:ssoadmin/instanceAccessControlAttributes:InstanceAccessControlAttributes",
} as const;

/** Data-source (invoke) tokens the program calls. */
export const LOOKUP = {
  instances: "aws:ssoadmin/getInstances:getInstances",
  group: "aws:identitystore/getGroup:getGroup",
  user: "aws:identitystore/getUser:getUser",
  permissionSet: "aws:ssoadmin/getPermissionSet:getPermissionSet",
} as const;

export type ResourceType = (typeof TYPE)[keyof typeof TYPE];
export type LookupToken = (typeof LOOKUP)[keyof typeof LOOKUP];

/** A value known only in AWS: an output of a declared resource, of a lookup, or of the Identity Center instance. */
export type Ref =
  | { readonly $ref: string; readonly output: string }
  | { readonly $lookup: string; readonly output: string }
  | { readonly $instance: "arn" | "identityStoreId" };

export type Value = string | number | boolean | Ref | readonly Value[] | { readonly [key: string]: Value };

/** One registration: a component, the provider, or an AWS resource. */
export interface Decl {
  /** `type::name`, unique in the program. */
  readonly key: string;
  readonly type: ResourceType;
  /** The logical name. */
  readonly name: string;
  /** Key of the parent, null for the top-level component. */
  readonly parent: string | null;
  readonly inputs: { readonly [key: string]: Value };
  /** Keys of resources that must be created before (and deleted after) this one. */
  readonly dependsOn: readonly string[];
  /**
   * The access.yaml key each input expresses, by the input's dotted path, where the two differ (`managedPolicyArns`
   * expresses `managedPolicies`, `emails.value` a user's `email`). `diff` reports a change of the input under that key.
   */
  readonly fields?: { readonly [inputPath: string]: string };
  /**
   * How an input reads, where it is not plain text: `policy` (AWS managed policy ARNs and customer managed policy
   * references, which `diff` shows by name) or `document` (a JSON policy, which `diff` shows as a line diff).
   */
  readonly display?: { readonly [inputPath: string]: Display };
  /**
   * Where the resource was declared before (a Pulumi alias), so that moving it replaces nothing: it was a child of
   * a component of `type` named `name`, itself a child of this resource's parent.
   */
  readonly formerParent?: { readonly type: ResourceType; readonly name: string };
}

/** How an input reads (Decl.display). */
export type Display = "policy" | "document";

/** One data-source call, e.g. finding an external group by display name. */
export interface LookupDecl {
  readonly key: string;
  readonly token: LookupToken;
  /** Key of the component that makes the call. */
  readonly parent: string;
  readonly args: { readonly [key: string]: Value };
  /** As Decl.fields: the access.yaml key each argument expresses (the display name an external group is found by). */
  readonly fields?: { readonly [argPath: string]: string };
  /** Found because it exists and is not managed here (`existing: true`), rather than synced from an identity provider. */
  readonly existing?: true;
}

/** What one entry of the file (a user, group, permission set, or an account's assignments) declares. */
export interface Part {
  /** The entry's name: user name, group key, permission set name or account id. */
  readonly name: string;
  readonly children: readonly Decl[];
  readonly lookups: readonly LookupDecl[];
  /** What the part exposes (arn, groupId, userId), as references to its children or lookups. */
  readonly outputs: { readonly [name: string]: Ref };
}

/** A part with a component of its own, the parent of its children. */
export interface ComponentPlan extends Part {
  readonly component: Decl;
}

export type PrincipalType = "GROUP" | "USER";

/** One effective assignment: principal + permission set + account. */
export interface AssignmentRow {
  readonly principalType: PrincipalType;
  readonly principalName: string;
  readonly permissionSet: string;
  readonly accountId: string;
  /** The account's inventory name (display only: never part of a logical name). */
  readonly accountName: string;
}

export interface Plan {
  readonly settings: { readonly startUrl: string; readonly region: string; readonly partition: string };
  /** The account inventory, sorted by id. */
  readonly inventory: readonly { readonly name: string; readonly id: string; readonly ou?: string; readonly management: boolean; readonly status?: string }[];
  readonly root: Decl;
  readonly provider: Decl;
  readonly permissionSets: readonly ComponentPlan[];
  /** Settings of the Identity Center instance itself (attributes for access control), under the root; empty when none. */
  readonly instance: Part;
  /** Users have no component each: their resources and lookups belong to the root. */
  readonly users: readonly Part[];
  readonly groups: readonly ComponentPlan[];
  readonly accounts: readonly ComponentPlan[];
  /** Sorted by principal type, principal, permission set, account id. */
  readonly assignments: readonly AssignmentRow[];
}

export const declKey = (type: string, name: string): string => `${type}::${name}`;

/** What a lookup finds its entry by: a display name (group), a user name (user), a name (existing permission set). */
export function foundBy(lookup: LookupDecl): string {
  const byAttribute = (lookup.args.alternateIdentifier as { uniqueAttribute: { attributeValue: string } } | undefined)?.uniqueAttribute.attributeValue;
  return byAttribute ?? (lookup.args.name as string);
}

export function isRef(value: Value): value is Ref {
  return typeof value === "object" && value !== null && !Array.isArray(value) && ("$ref" in value || "$lookup" in value || "$instance" in value);
}

/** Every reference inside a value (`$ref`, `$lookup`, `$instance`), depth first. */
export function refsIn(value: Value, into: Ref[] = []): Ref[] {
  if (typeof value !== "object" || value === null) return into;
  if (Array.isArray(value)) for (const v of value) refsIn(v, into);
  else if (isRef(value)) into.push(value);
  else for (const v of Object.values(value)) refsIn(v as Value, into);
  return into;
}

/** The parts in the order the program declares them: dependencies before dependents. */
export function planParts(plan: Plan): Part[] {
  return [...plan.permissionSets, plan.instance, ...plan.users, ...plan.groups, ...plan.accounts];
}

/** Every registration of the program, in declaration order. */
export function planDecls(plan: Plan): Decl[] {
  const out: Decl[] = [plan.root, plan.provider];
  for (const part of planParts(plan)) {
    if ("component" in part) out.push((part as ComponentPlan).component);
    out.push(...part.children);
  }
  return out;
}

export function planLookups(plan: Plan): LookupDecl[] {
  return planParts(plan).flatMap((c) => c.lookups);
}

/** Every registration of the program, sorted by type, then name. */
export function planRegistrations(plan: Plan): Decl[] {
  return planDecls(plan).sort((a, b) => byText(a.type, b.type) || byText(a.name, b.name));
}

/** Count of registrations by type. */
export function countByType(plan: Plan): Map<string, number> {
  const counts = new Map<string, number>();
  for (const d of planDecls(plan)) counts.set(d.type, (counts.get(d.type) ?? 0) + 1);
  return new Map([...counts].sort((a, b) => byText(a[0], b[0])));
}

/**
 * References inside the plan that name nothing it declares (a `dependsOn` or `$ref` key, a `$lookup` key), as
 * `from -> to`. Empty for every plan expand() makes; the program checks it before declaring anything.
 */
export function danglingReferences(plan: Plan): string[] {
  const decls = planDecls(plan);
  const keys = new Set(decls.map((d) => d.key));
  const lookups = new Set(planLookups(plan).map((l) => l.key));
  const out: string[] = [];
  const visit = (from: string, value: Value): void => {
    for (const ref of refsIn(value)) {
      if ("$ref" in ref && !keys.has(ref.$ref)) out.push(`${from} -> ${ref.$ref}`);
      if ("$lookup" in ref && !lookups.has(ref.$lookup)) out.push(`${from} -> ${ref.$lookup}`);
    }
  };
  for (const d of decls) {
    for (const key of d.dependsOn) if (!keys.has(key)) out.push(`${d.key} -> ${key}`);
    visit(d.key, d.inputs);
  }
  for (const l of planLookups(plan)) visit(l.key, l.args);
  return out;
}
