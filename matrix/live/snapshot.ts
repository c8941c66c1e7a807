import { z } from "zod";
import { ACCOUNT_ID, REGION } from "../aws/limits";
import { formatPath, type DocPath, type Problem } from "../common/problems";
import { loadDataFile, loadDataText, type DataResult } from "../validate/dataFile";

/**
 * A snapshot of a live Identity Center: one JSON file in the shapes the AWS APIs return (ListAccounts,
 * DescribePermissionSet, ListGroups, ListUsers, ListGroupMemberships, ListAccountAssignments...), so that anyone can
 * produce one. Fields the APIs may omit are optional; fields the APIs return that the tools do not read are kept
 * out (zod drops them), so a snapshot made by another tool with more fields still reads. It is read like access.yaml:
 * every problem located, all at once.
 */

/** The largest snapshot read: twenty thousand assignments and five thousand users take about 6 MB. */
export const MAX_SNAPSHOT_BYTES = 64 * 1024 * 1024;

const tag = z.object({ Key: z.string().min(1), Value: z.string() });
const externalIds = z.array(z.object({ Issuer: z.string(), Id: z.string() }));
const customerManagedReference = z.object({ Name: z.string().min(1), Path: z.string().optional() });
const arn = (what: string, pattern: RegExp) => z.string().regex(pattern, `${what} is an ARN such as ${pattern.source.replace(/\\/g, "")}`);
const PERMISSION_SET_ARN = /^arn:aws(?:-[a-z]+)*:sso:::permissionSet\/ssoins-[\da-f]{16}\/ps-[\da-f]{16}$/;
const INSTANCE_ARN = /^arn:aws(?:-[a-z]+)*:sso:::instance\/(?:sso)?ins-[\da-f]{16}$/;

export const SnapshotSchema = z.strictObject({
  version: z.literal(1, { error: "version must be 1" }),
  region: z.string().regex(REGION, "region must be an AWS region such as us-east-1"),
  instance: z.object({
    InstanceArn: z.string().regex(INSTANCE_ARN, "InstanceArn is an ARN such as arn:aws:sso:::instance/ssoins-0123456789abcdef"),
    IdentityStoreId: z.string().regex(/^d-[\da-f]{10}$|^[\da-f-]{36}$/, "IdentityStoreId is an identity store id such as d-1234567890"),
  }),
  managementAccountId: z.string().regex(ACCOUNT_ID, "an account id is exactly 12 digits, as a string").optional(),
  accounts: z.array(
    z.object({
      Id: z.string().regex(ACCOUNT_ID, "an account id is exactly 12 digits, as a string"),
      Name: z.string().min(1),
      Email: z.string().optional(),
      // Organizations' account State (its older Status has the first three): only an ACTIVE account is adopted.
      Status: z.enum(["ACTIVE", "SUSPENDED", "PENDING_CLOSURE", "PENDING_ACTIVATION", "CLOSED"]).optional(),
      Path: z.array(z.string().min(1)).optional(),
      Tags: z.array(tag).optional(),
    }),
  ),
  permissionSets: z.array(
    z.object({
      PermissionSetArn: arn("PermissionSetArn", PERMISSION_SET_ARN),
      Name: z.string().min(1),
      Description: z.string().optional(),
      SessionDuration: z.string().optional(),
      RelayState: z.string().optional(),
      Tags: z.array(tag).optional(),
      AttachedManagedPolicies: z.array(z.object({ Name: z.string().optional(), Arn: z.string().min(1) })).optional(),
      CustomerManagedPolicyReferences: z.array(customerManagedReference).optional(),
      InlinePolicy: z.string().optional(),
      PermissionsBoundary: z
        .object({ ManagedPolicyArn: z.string().optional(), CustomerManagedPolicyReference: customerManagedReference.optional() })
        .optional(),
    }),
  ),
  groups: z.array(
    z.object({
      GroupId: z.string().min(1),
      DisplayName: z.string().optional(),
      Description: z.string().optional(),
      ExternalIds: externalIds.optional(),
    }),
  ),
  users: z.array(
    z.object({
      UserId: z.string().min(1),
      UserName: z.string().min(1),
      DisplayName: z.string().optional(),
      Name: z.object({ GivenName: z.string().optional(), FamilyName: z.string().optional() }).optional(),
      Emails: z.array(z.object({ Value: z.string().optional(), Type: z.string().optional(), Primary: z.boolean().optional() })).optional(),
      ExternalIds: externalIds.optional(),
    }),
  ),
  groupMemberships: z.array(z.object({ MembershipId: z.string().min(1), GroupId: z.string().min(1), MemberId: z.object({ UserId: z.string().min(1) }) })),
  /** The instance's attributes for access control (DescribeInstanceAccessControlAttributeConfiguration); absent: none. */
  accessControlAttributes: z
    .array(z.object({ Key: z.string().min(1), Value: z.object({ Source: z.array(z.string()).length(1, "an attribute has one source") }) }))
    .optional(),
  accountAssignments: z.array(
    z.object({
      AccountId: z.string().regex(ACCOUNT_ID, "an account id is exactly 12 digits, as a string"),
      PermissionSetArn: arn("PermissionSetArn", PERMISSION_SET_ARN),
      PrincipalType: z.enum(["GROUP", "USER"]),
      PrincipalId: z.string().min(1),
    }),
  ),
});

export type Snapshot = z.infer<typeof SnapshotSchema>;
export type SnapshotAccount = Snapshot["accounts"][number];
export type SnapshotPermissionSet = Snapshot["permissionSets"][number];
export type SnapshotGroup = Snapshot["groups"][number];
export type SnapshotUser = Snapshot["users"][number];
export type SnapshotAssignment = Snapshot["accountAssignments"][number];

/** A snapshot that passed its schema and its own consistency checks. */
export interface ValidSnapshot {
  readonly file: string;
  readonly snapshot: Snapshot;
}

export type SnapshotResult = { readonly ok: true; readonly value: ValidSnapshot } | { readonly ok: false; readonly problems: Problem[] };

/** Reads and checks a snapshot file; never throws for bad input. */
export function loadSnapshotFile(file: string, shownName = file): SnapshotResult {
  return valid(
    loadDataFile(file, shownName, "a snapshot made by sso-access snapshot", MAX_SNAPSHOT_BYTES, SnapshotSchema, (v) => consistency(v as Snapshot)),
    shownName,
  );
}

export function loadSnapshotText(text: string, shownName: string): SnapshotResult {
  return valid(
    loadDataText(text, shownName, SnapshotSchema, (v) => consistency(v as Snapshot)),
    shownName,
  );
}

const valid = (result: DataResult<Snapshot>, file: string): SnapshotResult => (result.ok ? { ok: true, value: { file, snapshot: result.value } } : result);

/**
 * What the APIs guarantee and a forged or broken snapshot might not: ids and names unique where Identity Center
 * makes them unique, and every permission set an assignment names listed. Principals and accounts an assignment
 * names may be missing (a deleted user's assignments stay): adopt and drift report those, they are not errors.
 */
function consistency(raw: Snapshot): [DocPath, string][] {
  const out: [DocPath, string][] = [];
  const list = <T>(value: readonly T[] | undefined): T[] => (Array.isArray(value) ? value.filter((x) => x && typeof x === "object") : []);
  const snapshot = {
    accounts: list(raw?.accounts),
    permissionSets: list(raw?.permissionSets),
    groups: list(raw?.groups),
    users: list(raw?.users),
    groupMemberships: list(raw?.groupMemberships),
    accountAssignments: list(raw?.accountAssignments),
  };
  const unique = <T>(items: readonly T[], section: string, field: keyof T & string, what: string) => {
    const seen = new Map<unknown, number>();
    items.forEach((item, i) => {
      const value = item[field];
      if (typeof value !== "string") return;
      const first = seen.get(value);
      if (first !== undefined)
        out.push([
          [section, i, field],
          `${what} ${JSON.stringify(value)} is listed twice (also at ${formatPath([section, first])}); a snapshot lists each once`,
        ]);
      else seen.set(value, i);
    });
  };
  unique(snapshot.accounts, "accounts", "Id", "account");
  unique(snapshot.permissionSets, "permissionSets", "PermissionSetArn", "permission set");
  unique(snapshot.permissionSets, "permissionSets", "Name", "permission set name");
  unique(snapshot.groups, "groups", "GroupId", "group");
  // A group is known by its display name, else its id (groupName): those must not collide either.
  unique(
    snapshot.groups.map((g) => ({ DisplayName: typeof g.DisplayName === "string" ? g.DisplayName : g.GroupId })),
    "groups",
    "DisplayName",
    "group display name",
  );
  unique(snapshot.users, "users", "UserId", "user");
  unique(snapshot.users, "users", "UserName", "user name");
  unique(snapshot.groupMemberships, "groupMemberships", "MembershipId", "membership");
  const sets = new Set(snapshot.permissionSets.map((s) => s.PermissionSetArn));
  snapshot.accountAssignments.forEach((a, i) => {
    if (!sets.has(a.PermissionSetArn))
      out.push([["accountAssignments", i, "PermissionSetArn"], "no permission set of the snapshot has this ARN; list it under permissionSets"]);
  });
  const instanceArn = raw?.instance?.InstanceArn;
  if (typeof instanceArn !== "string") return out;
  const instance = instanceArn.slice(instanceArn.lastIndexOf("/") + 1);
  snapshot.permissionSets.forEach((s, i) => {
    if (typeof s.PermissionSetArn === "string" && !s.PermissionSetArn.includes(`/${instance}/`))
      out.push([["permissionSets", i, "PermissionSetArn"], `this permission set belongs to another instance than ${instance}`]);
  });
  return out;
}
