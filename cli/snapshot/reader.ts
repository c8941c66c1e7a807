import {
  DescribeInstanceAccessControlAttributeConfigurationCommand,
  DescribePermissionSetCommand,
  GetInlinePolicyForPermissionSetCommand,
  GetPermissionsBoundaryForPermissionSetCommand,
  paginateListAccountAssignments,
  paginateListAccountAssignmentsForPrincipal,
  paginateListAccountsForProvisionedPermissionSet,
  paginateListCustomerManagedPolicyReferencesInPermissionSet,
  paginateListInstances,
  paginateListManagedPoliciesInPermissionSet,
  paginateListPermissionSets,
  paginateListTagsForResource as paginateListSsoTags,
  type SSOAdminClient,
} from "@aws-sdk/client-sso-admin";
import { paginateListGroupMemberships, paginateListGroups, paginateListUsers, type IdentitystoreClient } from "@aws-sdk/client-identitystore";
import {
  DescribeOrganizationCommand,
  ListRootsCommand,
  paginateListAccountsForParent,
  paginateListOrganizationalUnitsForParent,
  paginateListTagsForResource as paginateListOrgTags,
  type OrganizationsClient,
} from "@aws-sdk/client-organizations";
import type { Snapshot, SnapshotAccount } from "../../matrix/live/snapshot";
import { mapLimited } from "../../matrix/common/concurrency";
import { CallCounter } from "./progress";

/**
 * Reads a live Identity Center into a snapshot (matrix/live/snapshot.ts), with the AWS SDK's paginators (each given
 * a fresh input object: a paginator writes its page token into its input), a bounded number of requests in flight
 * and the clients' adaptive retries. Assignments are read by the cheaper of two call plans:
 *
 * - per principal: ListAccountAssignmentsForPrincipal for every group and user (one call each, per page);
 * - per provisioned pair: ListAccountsForProvisionedPermissionSet for every set, then ListAccountAssignments for
 *   every (set, account) it is provisioned to. This one also finds assignments of principals that were deleted,
 *   and is used when the first is denied.
 */

export interface SnapshotClients {
  readonly ssoAdmin: SSOAdminClient;
  readonly identityStore: IdentitystoreClient;
  readonly organizations: OrganizationsClient;
}

export type CallPlan = "auto" | "principal" | "provisioned";

export interface ReadOptions {
  readonly region: string;
  /** The instance, when the account has more than one (it rarely does). */
  readonly instanceArn?: string;
  readonly plan?: CallPlan;
  /** Requests in flight at most; default 8. */
  readonly inFlight?: number;
  readonly progress?: (line: string) => void;
}

export interface ReadResult {
  readonly snapshot: Snapshot;
  readonly calls: number;
  /** The plan used for assignments, and why. */
  readonly plan: { readonly used: "principal" | "provisioned"; readonly why: string };
}

/** A mistake or a refusal that the snapshot cannot go past, said in a sentence. */
export class SnapshotError extends Error {}

/** Every item of every page of a paginator, each page counted as one call. */
async function all<P, T>(pages: AsyncIterable<P>, items: (page: P) => T[] | undefined, counter: CallCounter): Promise<T[]> {
  const out: T[] = [];
  try {
    for await (const page of pages) {
      counter.count();
      out.push(...(items(page) ?? []));
    }
  } catch (error) {
    // The page that failed was a call too.
    counter.count();
    throw error;
  }
  return out;
}

/** One call that is not paginated, counted whether it succeeds or not. */
async function one<T>(run: () => Promise<T>, counter: CallCounter): Promise<T> {
  try {
    return await run();
  } finally {
    counter.count();
  }
}

export async function readSnapshot(clients: SnapshotClients, options: ReadOptions): Promise<ReadResult> {
  const counter = new CallCounter(options.progress);
  const limit = options.inFlight ?? 8;
  const instances = await all(paginateListInstances({ client: clients.ssoAdmin }, {}), (p) => p.Instances, counter);
  const instance = options.instanceArn ? instances.find((i) => i.InstanceArn === options.instanceArn) : instances.length === 1 ? instances[0] : undefined;
  if (!instance?.InstanceArn || !instance.IdentityStoreId) {
    const found = instances.map((i) => i.InstanceArn).join(", ") || "none";
    throw new SnapshotError(
      options.instanceArn
        ? `no Identity Center instance ${options.instanceArn} in ${options.region} (found: ${found})`
        : `expected one Identity Center instance in ${options.region}, found ${instances.length ? found : "none"}${instances.length > 1 ? "; choose one with --instance-arn" : "; is this its home region?"}`,
    );
  }
  const InstanceArn = instance.InstanceArn;
  const IdentityStoreId = instance.IdentityStoreId;
  const [organization, permissionSets, principals] = await Promise.all([
    readOrganization(clients.organizations, counter, limit),
    readPermissionSets(clients.ssoAdmin, InstanceArn, counter, limit),
    readPrincipals(clients.identityStore, IdentityStoreId, counter, limit),
  ]);
  // Attributes for access control: absent (ResourceNotFound) unless the instance has some.
  const attributes = await one(() => clients.ssoAdmin.send(new DescribeInstanceAccessControlAttributeConfigurationCommand({ InstanceArn })), counter).catch(
    (error) => {
      if (named(error, "ResourceNotFoundException")) return undefined;
      throw error;
    },
  );
  const accessControlAttributes = (attributes?.InstanceAccessControlAttributeConfiguration?.AccessControlAttributes ?? []).map((a) => ({
    Key: a.Key!,
    Value: { Source: a.Value?.Source ?? [] },
  }));
  const { accountAssignments, plan } = await readAssignments(clients.ssoAdmin, InstanceArn, permissionSets, principals, options.plan ?? "auto", counter, limit);
  return {
    snapshot: {
      version: 1,
      region: options.region,
      instance: { InstanceArn, IdentityStoreId },
      ...(organization.managementAccountId ? { managementAccountId: organization.managementAccountId } : {}),
      accounts: organization.accounts,
      permissionSets,
      groups: principals.groups,
      users: principals.users,
      groupMemberships: principals.groupMemberships,
      ...(accessControlAttributes.length ? { accessControlAttributes } : {}),
      accountAssignments,
    },
    calls: counter.calls,
    plan,
  };
}

/** The organization: its management account, and every account with its state, OU path (names, from the root) and tags. */
async function readOrganization(client: OrganizationsClient, counter: CallCounter, limit: number) {
  const described = await one(() => client.send(new DescribeOrganizationCommand({})), counter);
  const roots = await one(() => client.send(new ListRootsCommand({})), counter);
  const accounts: Snapshot["accounts"][number][] = [];
  // Breadth first from the root: each OU's accounts get its path of names.
  let level: { id: string; path: string[] }[] = (roots.Roots ?? []).map((r) => ({ id: r.Id!, path: [] }));
  while (level.length) {
    const found = await mapLimited(level, limit, async (parent) => {
      const [children, direct] = await Promise.all([
        all(paginateListOrganizationalUnitsForParent({ client }, { ParentId: parent.id }), (p) => p.OrganizationalUnits, counter),
        all(paginateListAccountsForParent({ client }, { ParentId: parent.id }), (p) => p.Accounts, counter),
      ]);
      for (const a of direct) {
        const state = a.State ?? a.Status;
        accounts.push({
          Id: a.Id!,
          Name: a.Name ?? a.Id!,
          ...(a.Email ? { Email: a.Email } : {}),
          ...(state ? { Status: state as SnapshotAccount["Status"] } : {}),
          Path: parent.path,
        });
      }
      return children.map((ou) => ({ id: ou.Id!, path: [...parent.path, ou.Name ?? ou.Id!] }));
    });
    level = found.flat();
  }
  await mapLimited(accounts, limit, async (account) => {
    const tags = await all(paginateListOrgTags({ client }, { ResourceId: account.Id }), (p) => p.Tags, counter);
    (account as { Tags?: unknown }).Tags = tags.map((t) => ({ Key: t.Key!, Value: t.Value ?? "" }));
  });
  accounts.sort((a, b) => (a.Id < b.Id ? -1 : a.Id > b.Id ? 1 : 0));
  return { managementAccountId: described.Organization?.MasterAccountId, accounts };
}

/** Whether an SDK error is AWS saying the thing is not there (a set without a boundary) or that the caller may not. */
const named = (error: unknown, ...names: string[]) => names.includes((error as { name?: string }).name ?? "");

/** Every permission set with its policies, boundary and tags. */
async function readPermissionSets(client: SSOAdminClient, InstanceArn: string, counter: CallCounter, limit: number): Promise<Snapshot["permissionSets"]> {
  const arns = await all(paginateListPermissionSets({ client }, { InstanceArn }), (p) => p.PermissionSets, counter);
  const sets = await mapLimited(arns, limit, async (PermissionSetArn) => {
    const call = <T>(run: () => Promise<T>) => one(run, counter);
    const [described, managed, customer, inline, boundary, tags] = await Promise.all([
      call(() => client.send(new DescribePermissionSetCommand({ InstanceArn, PermissionSetArn }))),
      all(paginateListManagedPoliciesInPermissionSet({ client }, { InstanceArn, PermissionSetArn }), (p) => p.AttachedManagedPolicies, counter),
      all(
        paginateListCustomerManagedPolicyReferencesInPermissionSet({ client }, { InstanceArn, PermissionSetArn }),
        (p) => p.CustomerManagedPolicyReferences,
        counter,
      ),
      call(() => client.send(new GetInlinePolicyForPermissionSetCommand({ InstanceArn, PermissionSetArn }))),
      call(() => client.send(new GetPermissionsBoundaryForPermissionSetCommand({ InstanceArn, PermissionSetArn }))).catch((error) => {
        if (named(error, "ResourceNotFoundException")) return undefined;
        throw error;
      }),
      all(paginateListSsoTags({ client }, { InstanceArn, ResourceArn: PermissionSetArn }), (p) => p.Tags, counter),
    ]);
    const set = described.PermissionSet ?? {};
    const b = boundary?.PermissionsBoundary;
    return {
      PermissionSetArn,
      Name: set.Name ?? PermissionSetArn,
      ...(set.Description !== undefined ? { Description: set.Description } : {}),
      ...(set.SessionDuration !== undefined ? { SessionDuration: set.SessionDuration } : {}),
      ...(set.RelayState !== undefined ? { RelayState: set.RelayState } : {}),
      Tags: tags.map((t) => ({ Key: t.Key!, Value: t.Value ?? "" })),
      AttachedManagedPolicies: managed.map((p) => ({ ...(p.Name ? { Name: p.Name } : {}), Arn: p.Arn! })),
      CustomerManagedPolicyReferences: customer.map((p) => ({ Name: p.Name!, ...(p.Path ? { Path: p.Path } : {}) })),
      ...(inline.InlinePolicy ? { InlinePolicy: inline.InlinePolicy } : {}),
      ...(b?.ManagedPolicyArn || b?.CustomerManagedPolicyReference
        ? {
            PermissionsBoundary: {
              ...(b.ManagedPolicyArn ? { ManagedPolicyArn: b.ManagedPolicyArn } : {}),
              ...(b.CustomerManagedPolicyReference
                ? {
                    CustomerManagedPolicyReference: {
                      Name: b.CustomerManagedPolicyReference.Name!,
                      ...(b.CustomerManagedPolicyReference.Path ? { Path: b.CustomerManagedPolicyReference.Path } : {}),
                    },
                  }
                : {}),
            },
          }
        : {}),
    };
  });
  return sets.sort((a, b) => (a.Name < b.Name ? -1 : a.Name > b.Name ? 1 : 0));
}

/** Groups, users and every group's memberships. */
async function readPrincipals(client: IdentitystoreClient, IdentityStoreId: string, counter: CallCounter, limit: number) {
  const [groups, users] = await Promise.all([
    all(paginateListGroups({ client }, { IdentityStoreId }), (p) => p.Groups, counter),
    all(paginateListUsers({ client }, { IdentityStoreId }), (p) => p.Users, counter),
  ]);
  const memberships = await mapLimited(groups, limit, (g) =>
    all(paginateListGroupMemberships({ client }, { IdentityStoreId, GroupId: g.GroupId! }), (p) => p.GroupMemberships, counter),
  );
  const ids = (list?: { Issuer?: string; Id?: string }[]) => (list ?? []).map((e) => ({ Issuer: e.Issuer ?? "", Id: e.Id ?? "" }));
  return {
    groups: groups.map((g) => ({
      GroupId: g.GroupId!,
      ...(g.DisplayName !== undefined ? { DisplayName: g.DisplayName } : {}),
      ...(g.Description !== undefined ? { Description: g.Description } : {}),
      ExternalIds: ids(g.ExternalIds),
    })),
    users: users.map((u) => ({
      UserId: u.UserId!,
      UserName: u.UserName ?? u.UserId!,
      ...(u.DisplayName !== undefined ? { DisplayName: u.DisplayName } : {}),
      ...(u.Name
        ? {
            Name: {
              ...(u.Name.GivenName !== undefined ? { GivenName: u.Name.GivenName } : {}),
              ...(u.Name.FamilyName !== undefined ? { FamilyName: u.Name.FamilyName } : {}),
            },
          }
        : {}),
      Emails: (u.Emails ?? []).map((e) => ({
        ...(e.Value !== undefined ? { Value: e.Value } : {}),
        ...(e.Type !== undefined ? { Type: e.Type } : {}),
        ...(e.Primary !== undefined ? { Primary: e.Primary } : {}),
      })),
      ExternalIds: ids(u.ExternalIds),
    })),
    groupMemberships: memberships
      .flat()
      .flatMap((m) =>
        m.MemberId && "UserId" in m.MemberId && m.MemberId.UserId
          ? [{ MembershipId: m.MembershipId!, GroupId: m.GroupId!, MemberId: { UserId: m.MemberId.UserId } }]
          : [],
      ),
  };
}

type Assignment = Snapshot["accountAssignments"][number];

/**
 * Assignments, by the cheaper plan: one call per principal, or one per set plus one per provisioned (set, account).
 * The second is only known after counting the pairs, which costs one call per set: "auto" makes those calls when
 * there are more principals than sets, and takes the principal plan otherwise.
 */
async function readAssignments(
  client: SSOAdminClient,
  InstanceArn: string,
  sets: Snapshot["permissionSets"],
  principals: { groups: { GroupId: string }[]; users: { UserId: string }[] },
  plan: CallPlan,
  counter: CallCounter,
  limit: number,
): Promise<{ accountAssignments: Assignment[]; plan: ReadResult["plan"] }> {
  const principalCalls = principals.groups.length + principals.users.length;
  const provisioned = async () =>
    mapLimited(sets, limit, async (s) => ({
      set: s.PermissionSetArn,
      accounts: await all(
        paginateListAccountsForProvisionedPermissionSet({ client }, { InstanceArn, PermissionSetArn: s.PermissionSetArn }),
        (p) => p.AccountIds,
        counter,
      ),
    }));
  let pairs: Awaited<ReturnType<typeof provisioned>> | undefined;
  let why = "chosen with --plan";
  if (plan === "auto") {
    if (sets.length < principalCalls) {
      pairs = await provisioned();
      const pairCalls = pairs.reduce((n, p) => n + p.accounts.length, 0);
      plan = pairCalls < principalCalls ? "provisioned" : "principal";
      why = `${pairCalls} provisioned (set, account) pairs against ${principalCalls} principals`;
    } else {
      plan = "principal";
      why = `${principalCalls} principals, no more than ${sets.length} permission sets`;
    }
  }
  if (plan === "principal") {
    counter.expect(counter.calls + principalCalls);
    try {
      const of = (PrincipalType: "GROUP" | "USER", PrincipalId: string) =>
        all(paginateListAccountAssignmentsForPrincipal({ client }, { InstanceArn, PrincipalId, PrincipalType }), (p) => p.AccountAssignments, counter);
      const found = await mapLimited(
        [...principals.groups.map((g) => ["GROUP", g.GroupId] as const), ...principals.users.map((u) => ["USER", u.UserId] as const)],
        limit,
        ([t, id]) => of(t, id),
      );
      return { accountAssignments: assignmentsOf(found.flat()), plan: { used: "principal", why } };
    } catch (error) {
      if (!named(error, "AccessDeniedException")) throw error;
      why = "ListAccountAssignmentsForPrincipal was denied";
    }
  }
  pairs ??= await provisioned();
  const list = pairs.flatMap((p) => p.accounts.map((AccountId) => ({ PermissionSetArn: p.set, AccountId })));
  counter.expect(counter.calls + list.length);
  const found = await mapLimited(list, limit, (pair) =>
    all(paginateListAccountAssignments({ client }, { InstanceArn, ...pair }), (p) => p.AccountAssignments, counter),
  );
  return { accountAssignments: assignmentsOf(found.flat()), plan: { used: "provisioned", why } };
}

/** The APIs' assignments in the snapshot's shape, each once, in one order whichever plan read them. */
function assignmentsOf(found: { AccountId?: string; PermissionSetArn?: string; PrincipalType?: string; PrincipalId?: string }[]): Assignment[] {
  const key = (a: Assignment) => `${a.PrincipalType}\u0000${a.PrincipalId}\u0000${a.PermissionSetArn}\u0000${a.AccountId}`;
  const list = found.map((a) => ({
    AccountId: a.AccountId!,
    PermissionSetArn: a.PermissionSetArn!,
    PrincipalType: a.PrincipalType as "GROUP" | "USER",
    PrincipalId: a.PrincipalId!,
  }));
  const seen = new Map(list.map((a) => [key(a), a]));
  return [...seen.keys()].sort().map((k) => seen.get(k)!);
}
