import { createHash } from "node:crypto";
import { dump } from "js-yaml";
import { expand } from "../matrix/expand/expand";
import { TYPE } from "../matrix/expand/plan";
import type { Snapshot } from "../matrix/live/snapshot";
import { groupMembers } from "../matrix/model/members";
import { expandAssignments } from "../matrix/expand/assignments";
import type { InventoryAccount } from "../matrix/model/accounts";
import { loadMatrixText } from "../matrix/checks/pipeline";
import type { ValidMatrix } from "../matrix/model/matrix";
import { MatrixError } from "../matrix/common/problems";
import { folderFiles } from "../matrix/read/source";
import type { Assignment, Matrix } from "../matrix/model/matrix";

/**
 * Synthetic organizations in the access.yaml format, for the benchmark and the churn tests. Deterministic: the same
 * size and seed give the same file, byte for byte. Accounts sit in nested OUs with env and team tags; assignments
 * target accounts by name, by OU and by tags; some groups are external.
 */

export interface Spec {
  readonly accounts: number;
  readonly users: number;
  readonly groups: number;
  readonly permissionSets: number;
  readonly assignments: number;
  /** Every group holds every permission set on one account (acct-0001), instead of assignments spread out. */
  readonly oneAccount?: true;
  /** One more group, `everyone`, of all users, with one permission set on one account. */
  readonly everyone?: true;
}

const L: Spec = { accounts: 1_000, users: 5_000, groups: 300, permissionSets: 100, assignments: 20_000 };

/**
 * The sizes. S, M and L are organizations as they grow. The others are cliffs, each about L's size with one part
 * much larger than any part of L: `one-account` puts 300 groups x 67 permission sets on one account (20,100
 * assignments of one account's part), `big-group` is L with a group of all 5,000 users, and `many-users` is L with
 * 40,000 users (each still in one or two of L's groups, so about 220 members a group).
 */
export const SIZES = {
  S: { accounts: 10, users: 50, groups: 10, permissionSets: 8, assignments: 200 },
  M: { accounts: 200, users: 1_000, groups: 100, permissionSets: 40, assignments: 4_000 },
  L,
  "one-account": { accounts: 2, users: 5_000, groups: 300, permissionSets: 67, assignments: 20_100, oneAccount: true },
  "big-group": { ...L, everyone: true },
  "many-users": { ...L, users: 40_000 },
} as const satisfies Record<string, Spec>;
export type Size = keyof typeof SIZES;

/** mulberry32: a small, fast, seeded generator (the same numbers on every machine). */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const POLICIES = [
  "ReadOnlyAccess",
  "ViewOnlyAccess",
  "SecurityAudit",
  "job-function/Billing",
  "AmazonS3ReadOnlyAccess",
  "AmazonEC2ReadOnlyAccess",
  "CloudWatchReadOnlyAccess",
  "PowerUserAccess",
  "AdministratorAccess",
];
const TOPS = ["Workloads", "Platform", "Data", "Sandbox"];
const ENVS = ["prod", "staging", "dev"];

const pad = (n: number, width: number) => String(n).padStart(width, "0");

export function generate(size: Size | Spec, seed = 1): Matrix {
  const spec: Spec = typeof size === "string" ? SIZES[size] : size;
  const rand = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)];
  const pickSome = <T>(items: readonly T[], n: number): T[] => {
    const out = new Set<T>();
    while (out.size < Math.min(n, items.length)) out.add(pick(items));
    return [...out];
  };

  // OUs: top / env / team, and accounts spread over the leaves.
  const teams = Array.from({ length: Math.max(2, Math.round(spec.accounts / 25)) }, (_, i) => `team-${pad(i, 3)}`);
  const leaves = TOPS.flatMap((top) => ENVS.flatMap((env) => teams.map((team) => ({ ou: `${top}/${env}/${team}`, env, team }))));
  const accounts: Matrix["accounts"] = { management: { id: "100000000000", management: true, description: "Organization management account." } };
  for (let i = 1; i < spec.accounts; i++) {
    const leaf = pick(leaves);
    accounts[`acct-${pad(i, 4)}`] = { id: String(100000000000 + i), ou: leaf.ou, tags: { env: leaf.env, team: leaf.team } };
  }

  const permissionSets: NonNullable<Matrix["permissionSets"]> = {};
  for (let i = 0; i < spec.permissionSets; i++) {
    permissionSets[`PS-${pad(i, 3)}`] = {
      description: `Synthetic permission set ${i}.`,
      sessionDuration: pick(["PT1H", "PT4H", "PT8H"]),
      managedPolicies: pickSome(POLICIES.slice(0, 7), 1 + Math.floor(rand() * 3)).concat(i % 10 === 0 ? ["AdministratorAccess"] : []),
    };
  }
  const setNames = Object.keys(permissionSets);

  const users: NonNullable<Matrix["users"]> = {};
  for (let i = 0; i < spec.users; i++) {
    const name = `user-${pad(i, 5)}`;
    users[name] = { displayName: `User ${i}`, givenName: "User", familyName: `Number${i}`, email: `${name}@example.org` };
  }
  const userNames = Object.keys(users);

  // One group in ten is external (provisioned by an IdP); the others get members, each user in one or two groups.
  const groups: NonNullable<Matrix["groups"]> = {};
  const groupNames = Array.from({ length: spec.groups }, (_, i) => `group-${pad(i, 3)}`);
  groupNames.forEach(
    (g, i) => (groups[g] = i % 10 === 9 ? { displayName: `External ${g}`, external: true } : { description: `Synthetic group ${i}.`, members: [] }),
  );
  const internal = groupNames.filter((g) => !groups[g].external);
  for (const user of userNames) for (const g of pickSome(internal, 1 + Math.floor(rand() * 2))) groups[g].members!.push(user);
  for (const g of internal) groups[g].members!.sort();
  if (spec.everyone) groups.everyone = { description: "Every user.", members: [...userNames] };

  // Assignments: by name, by OU and by tags, until the expansion reaches the target size.
  const inventory: InventoryAccount[] = Object.entries(accounts).map(([name, a]) => ({ ...a, name }));
  const accountNames = Object.keys(accounts).filter((n) => n !== "management");
  const assignments: Assignment[] = [];
  let rows = 0;
  if (spec.oneAccount) {
    for (const group of groupNames) assignments.push({ group, permissionSets: setNames, accounts: ["acct-0001"] });
    rows = spec.assignments;
  }
  if (spec.everyone) assignments.push({ group: "everyone", permissionSets: [setNames[0]], accounts: ["acct-0001"] });
  while (rows < spec.assignments) {
    const group = pick(groupNames);
    const sets = pickSome(setNames, 1 + Math.floor(rand() * 2));
    const kind = rand();
    const leaf = pick(leaves);
    const entry: Assignment =
      kind < 0.4
        ? { group, permissionSets: sets, ous: [leaf.ou] }
        : kind < 0.7
          ? { group, permissionSets: sets, tags: { team: leaf.team, env: [leaf.env, pick(ENVS)] } }
          : { group, permissionSets: sets, accounts: pickSome(accountNames, 1 + Math.floor(rand() * 4)) };
    const reached = expandAssignments([entry], inventory).length;
    if (reached === 0) continue;
    assignments.push(entry);
    rows += reached;
  }

  return {
    version: 1,
    identityCenter: { startUrl: "https://synthetic.awsapps.com/start", region: "us-east-1" },
    accounts,
    permissionSets,
    groups,
    users,
    assignments,
  };
}

/** The matrix as access.yaml text. */
export function generateYaml(size: Size, seed = 1): string {
  return `# Synthetic organization, size ${size}, seed ${seed} (bench/generate.ts).\n${dump(generate(size, seed), { lineWidth: 200, noRefs: true })}`;
}

/** A generated (or edited) matrix loaded as a user's file would be: every check applied. Throws on problems. */
export function loadGenerated(matrix: Matrix): ValidMatrix {
  const result = loadMatrixText(dump(matrix, { lineWidth: 200, noRefs: true }), "generated.yaml", folderFiles(process.cwd()));
  if (!result.ok) throw new MatrixError(result.problems);
  return result.value;
}

/** The edits the review is measured with on the wide organization (bench/README.md). */
export const WIDE_EDITS = {
  "a new member of Everyone": (m: Matrix) => {
    m.users!["user-new"] = { displayName: "New User", givenName: "New", familyName: "User", email: "user-new@example.org" };
    m.groups!.Everyone.members!.push("user-new");
  },
  "a new account": (m: Matrix) => {
    m.accounts["acct-new"] = { id: "199999999999", ou: "Workloads", tags: { env: "prod" } };
  },
  "ReadOnly replaced by ViewOnly": (m: Matrix) => {
    m.assignments![0].permissionSets = ["ViewOnly"];
  },
} as const;

/**
 * The wide organization of the review's scale target: 5,000 people in one group with ReadOnly on 1,000 accounts
 * through one assignment entry, five million grants.
 */
export function generateWide(edit?: keyof typeof WIDE_EDITS): Matrix {
  const accounts: Matrix["accounts"] = { management: { id: "100000000000", management: true } };
  for (let i = 1; i <= 1000; i++) accounts[`acct-${pad(i, 4)}`] = { id: String(100000000000 + i), ou: "Workloads", tags: { env: "prod" } };
  const users: NonNullable<Matrix["users"]> = {};
  for (let i = 0; i < 5000; i++) {
    const name = `user-${pad(i, 5)}`;
    users[name] = { displayName: `User ${i}`, givenName: "User", familyName: `Number${i}`, email: `${name}@example.org` };
  }
  const matrix: Matrix = {
    version: 1,
    identityCenter: { startUrl: "https://synthetic.awsapps.com/start", region: "us-east-1" },
    accounts,
    permissionSets: {
      ReadOnly: { description: "Read everything.", managedPolicies: ["ReadOnlyAccess"] },
      ViewOnly: { description: "See configuration.", managedPolicies: ["ViewOnlyAccess"] },
    },
    groups: { Everyone: { description: "Everyone.", members: Object.keys(users) } },
    users,
    assignments: [{ group: "Everyone", permissionSets: ["ReadOnly"], allAccounts: true }],
  };
  if (edit) WIDE_EDITS[edit](matrix);
  return matrix;
}

/**
 * The snapshot a live Identity Center would give after deploying `matrix`: the AWS API shapes, ids derived from
 * names (the same matrix gives the same snapshot). External groups and users exist with external ids, as an
 * identity provider would have made them, with their members left out (the file does not know them).
 */
export function snapshotOf(matrix: Matrix): Snapshot {
  const valid = loadGenerated(matrix);
  const plan = expand(valid);
  const hex = (text: string, length: number) => createHash("sha256").update(text).digest("hex").slice(0, length);
  const uuid = (text: string) => hex(text, 32).replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, "$1-$2-$3-$4-$5");
  const instance = `ssoins-${hex("instance", 16)}`;
  const setArn = (name: string) => `arn:aws:sso:::permissionSet/${instance}/ps-${hex(name, 16)}`;
  const groupId = (key: string) => uuid(`group ${key}`);
  const userId = (name: string) => uuid(`user ${name}`);
  const idp = [{ Issuer: "https://idp.example.org", Id: "synthetic" }];
  const of = (part: (typeof plan.permissionSets)[number], type: string) =>
    part.children.find((d) => d.type === type)?.inputs as Record<string, unknown> | undefined;
  return {
    version: 1,
    region: matrix.identityCenter.region,
    instance: { InstanceArn: `arn:aws:sso:::instance/${instance}`, IdentityStoreId: `d-${hex("store", 10)}` },
    managementAccountId: Object.values(matrix.accounts).find((a) => a.management)?.id,
    accounts: Object.entries(matrix.accounts).map(([name, a]) => ({
      Id: a.id,
      Name: name,
      Status: "ACTIVE" as const,
      Path: a.ou ? a.ou.split("/") : [],
      Tags: Object.entries(a.tags ?? {}).map(([Key, Value]) => ({ Key, Value })),
    })),
    permissionSets: plan.permissionSets.map((part) => {
      const set = of(part, TYPE.permissionSet)!;
      const inline = of(part, TYPE.inlinePolicy)?.inlinePolicy as string | undefined;
      return {
        PermissionSetArn: setArn(part.name),
        Name: part.name,
        ...(set.description !== undefined ? { Description: set.description as string } : {}),
        SessionDuration: set.sessionDuration as string,
        AttachedManagedPolicies: (of(part, TYPE.managedPolicies)!.managedPolicyArns as string[]).map((Arn) => ({ Name: Arn.split("/").pop()!, Arn })),
        CustomerManagedPolicyReferences: (of(part, TYPE.customerManagedPolicies)!.customerManagedPolicyReferences as { name: string; path: string }[]).map(
          (p) => ({ Name: p.name, Path: p.path }),
        ),
        ...(inline !== undefined ? { InlinePolicy: inline } : {}),
      };
    }),
    groups: Object.entries(matrix.groups ?? {}).map(([key, g]) => ({
      GroupId: groupId(key),
      DisplayName: g.displayName ?? key,
      ...(g.description !== undefined ? { Description: g.description } : {}),
      ExternalIds: g.external ? idp : [],
    })),
    users: Object.entries(matrix.users ?? {}).map(([name, u]) => ({
      UserId: userId(name),
      UserName: name,
      ...(u.external
        ? { DisplayName: name, Name: { GivenName: name, FamilyName: name }, Emails: [{ Value: `${name}@idp.example.org`, Primary: true }], ExternalIds: idp }
        : {
            DisplayName: u.displayName,
            Name: { GivenName: u.givenName, FamilyName: u.familyName },
            Emails: [{ Value: u.email, Primary: true }],
            ExternalIds: [],
          }),
    })),
    groupMemberships: [...groupMembers(matrix)].flatMap(([group, members]) =>
      members.map((user) => ({ MembershipId: uuid(`membership ${group} ${user}`), GroupId: groupId(group), MemberId: { UserId: userId(user) } })),
    ),
    accountAssignments: plan.assignments.map((row) => ({
      AccountId: row.accountId,
      PermissionSetArn: setArn(row.permissionSet),
      PrincipalType: row.principalType,
      PrincipalId: row.principalType === "GROUP" ? groupId(row.principalName) : userId(row.principalName),
    })),
  };
}
