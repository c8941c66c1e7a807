import { dump } from "js-yaml";
import { ACCOUNT_KEY, GROUP_KEY } from "../validate/schema";
import { DEFAULT_SESSION_DURATION } from "../aws/limits";
import { managedPolicyArn, partitionOf } from "../aws/policies";
import { byText } from "../common/order";
import { formatPath, formatProblem, type Problem } from "../common/problems";
import { accountLabel, inventoryOf } from "../model/accounts";
import type { Account, Assignment, Group, Matrix, PermissionSet, User } from "../model/matrix";
import { loadMatrixText } from "../checks/pipeline";
import type { SiblingFiles } from "../read/source";
import { expand } from "../expand/expand";
import type { Plan } from "../expand/plan";
import { accountFactsOf } from "./accountFacts";
import { importIdsOf, type AdoptFile } from "./importIds";
import type { Snapshot } from "./snapshot";
import { compareStates, declaredState, emailOf, groupName, liveState, noDifferences, type StateDifferences } from "./state";
import { inferTarget, targetIndex } from "./targets";

/**
 * Adoption: an access file written from a snapshot of a live Identity Center, proved before anything is written. The
 * file is checked as any access.yaml is (guardrails aside: adopt writes none), expanded by the program's expansion,
 * and its declared state compared with the snapshot's: they must be equal, or nothing is written. What the format
 * cannot express (assignments of deleted principals, suspended accounts, names the checks refuse) is left out of
 * the file and of that comparison, and listed in the report, never dropped in silence.
 */

export interface AdoptOptions {
  /** Infer broad targets (every account, OUs, a tag); false writes account lists only. */
  readonly infer: boolean;
  /** The AWS access portal URL; default the identity store's own (`https://<d-...>.awsapps.com/start`). */
  readonly startUrl?: string;
}

/** One thing of the snapshot left out of the file, and why. */
export interface LeftOut {
  readonly what: string;
  readonly why: string;
}

export interface Adoption {
  /** The files to write, by path relative to the output folder: access.yaml and its policy files. */
  readonly files: ReadonlyMap<string, string>;
  readonly adoptFile: AdoptFile;
  readonly plan: Plan;
  /** Entries with an inferred (broad) target: what the report names. */
  readonly inferred: readonly { readonly entry: string; readonly target: string; readonly accounts: readonly string[] }[];
  readonly external: readonly LeftOut[];
  readonly leftOut: readonly LeftOut[];
}

/** Adopt could not prove its file: a bug to report, never a file to write. */
export class AdoptError extends Error {}

/** An entity of the file, found by where its problems point (`users.jane`, `groups.Admins`...). */
type Entity = { kind: "accounts" | "permissionSets" | "groups" | "users"; key: string };

export function adopt(snapshot: Snapshot, options: AdoptOptions): Adoption {
  const leftOut: LeftOut[] = [];
  const dropped = { accounts: new Set<string>(), permissionSets: new Set<string>(), groups: new Set<string>(), users: new Set<string>() };
  const renamedAccounts = new Set<string>();
  // Written, checked, and written again without what the checks refuse, until the file is valid (each round drops
  // at least one entity, so this ends).
  for (;;) {
    const draft = writeDraft(snapshot, options, dropped, renamedAccounts);
    const loaded = loadMatrixText(draft.text, "access.yaml", memoryFiles(draft.files), { guardrails: false });
    if (loaded.ok) {
      const plan = expand(loaded.value);
      const expressible = keptSnapshot(snapshot, draft.kept);
      const differences = compareStates(declaredState(plan), liveState(expressible));
      if (!noDifferences(differences)) throw new AdoptError(`the written file does not reproduce the snapshot:\n${describe(differences)}`);
      // Ids from what the file kept: nothing left out is imported under a name the file gives something else.
      const adoptFile = importIdsOf(plan, expressible);
      leftOut.push(...draft.leftOut);
      return { files: new Map([["access.yaml", draft.text], ...draft.files]), adoptFile, plan, inferred: draft.inferred, external: draft.external, leftOut };
    }
    const blamed = blame(loaded.problems, draft.entities);
    if (blamed.unplaced.length) throw new AdoptError(`the written file has problems adopt cannot place:\n${blamed.unplaced.map(formatProblem).join("\n")}`);
    for (const [entity, problems] of blamed.byEntity) {
      if (entity.kind === "accounts" && !renamedAccounts.has(entity.key)) {
        renamedAccounts.add(entity.key);
        continue;
      }
      dropped[entity.kind].add(entity.key);
      leftOut.push({ what: draft.labels.get(`${entity.kind}\u0000${entity.key}`)!, why: problems.map((p) => p.message).join("; ") });
    }
  }
}

/** Policy files held in memory, as the checks read files beside access.yaml. */
function memoryFiles(files: ReadonlyMap<string, string>): SiblingFiles {
  return { read: (relative) => (files.has(relative) ? { ok: true, text: files.get(relative)! } : `policy file "${relative}" does not exist`) };
}

/** Each problem's entity, by the path it points at. */
function blame(problems: readonly Problem[], entities: ReadonlyMap<string, Entity>) {
  const byEntity = new Map<Entity, Problem[]>();
  const unplaced: Problem[] = [];
  for (const p of problems) {
    const entity = [...entities].find(([prefix]) => p.path === prefix || p.path.startsWith(`${prefix}.`) || p.path.startsWith(`${prefix}[`))?.[1];
    if (entity) byEntity.set(entity, [...(byEntity.get(entity) ?? []), p]);
    else unplaced.push(p);
  }
  return { byEntity, unplaced };
}

/** Ids of what the file keeps: the snapshot restricted to them is what the file must reproduce. */
interface Kept {
  readonly accounts: ReadonlySet<string>;
  readonly permissionSets: ReadonlySet<string>;
  readonly groups: ReadonlySet<string>;
  readonly users: ReadonlySet<string>;
}

function keptSnapshot(snapshot: Snapshot, kept: Kept): Snapshot {
  const setArns = new Set(snapshot.permissionSets.filter((s) => kept.permissionSets.has(s.Name)).map((s) => s.PermissionSetArn));
  return {
    ...snapshot,
    accounts: snapshot.accounts.filter((a) => kept.accounts.has(a.Id)),
    permissionSets: snapshot.permissionSets.filter((s) => setArns.has(s.PermissionSetArn)),
    groups: snapshot.groups.filter((g) => kept.groups.has(g.GroupId)),
    users: snapshot.users.filter((u) => kept.users.has(u.UserId)),
    groupMemberships: snapshot.groupMemberships.filter((m) => kept.groups.has(m.GroupId) && kept.users.has(m.MemberId.UserId)),
    accountAssignments: snapshot.accountAssignments.filter(
      (a) => kept.accounts.has(a.AccountId) && setArns.has(a.PermissionSetArn) && (a.PrincipalType === "GROUP" ? kept.groups : kept.users).has(a.PrincipalId),
    ),
  };
}

/** An account's inventory key from its name in Organizations; `account-<id>` when the name gives none, or a taken one. */
export const accountKeyFrom = (name: string, id: string, taken: Set<string>): string => keyFrom(name, ACCOUNT_KEY, /[^\w.+@-]/g, `account-${id}`, taken, 64);

/** A key made of allowed characters from a name: others become "-", and a key already taken gets the fallback. */
function keyFrom(name: string, allowed: RegExp, disallowed: RegExp, fallback: string, taken: Set<string>, max: number): string {
  let key = name
    .replace(disallowed, "-")
    .replace(/-{2,}/g, "-")
    .replace(/^[^A-Za-z0-9]+/, "")
    .slice(0, max);
  if (!allowed.test(key) || taken.has(key)) key = fallback;
  // The fallback (made of an id) could be taken too, by a key written so by hand: never reuse a key.
  for (let n = 2; taken.has(key); n++) key = `${fallback}-${n}`;
  taken.add(key);
  return key;
}

/** What every section of a draft shares: the snapshot, what earlier rounds dropped, and what is noted on the way. */
interface Draft {
  readonly snapshot: Snapshot;
  readonly options: AdoptOptions;
  readonly dropped: { readonly [K in Entity["kind"]]: ReadonlySet<string> };
  readonly leftOut: LeftOut[];
  readonly external: LeftOut[];
  readonly entities: Map<string, Entity>;
  readonly labels: Map<string, string>;
  track(kind: Entity["kind"], key: string, label: string): void;
}

function writeDraft(snapshot: Snapshot, options: AdoptOptions, dropped: Draft["dropped"], renamedAccounts: ReadonlySet<string>) {
  const entities = new Map<string, Entity>();
  const labels = new Map<string, string>();
  const draft: Draft = {
    snapshot,
    options,
    dropped,
    leftOut: [],
    external: [],
    entities,
    labels,
    track(kind, key, label) {
      entities.set(formatPath([kind, key]), { kind, key });
      labels.set(`${kind}\u0000${key}`, label);
    },
  };
  const { accounts, accountKey } = draftAccounts(draft, renamedAccounts);
  const { permissionSets, files } = draftPermissionSets(draft);
  const { users, userKey } = draftUsers(draft);
  const { groups, groupKey } = draftGroups(draft, userKey);
  const { assignments, inferred } = draftAssignments(draft, { accounts, accountKey, permissionSets, userKey, groupKey });
  const matrix: Matrix = {
    version: 1,
    identityCenter: {
      startUrl: options.startUrl ?? `https://${snapshot.instance.IdentityStoreId}.awsapps.com/start`,
      region: snapshot.region,
      ...(snapshot.accessControlAttributes?.length
        ? { accessControlAttributes: Object.fromEntries(snapshot.accessControlAttributes.map((a) => [a.Key, a.Value.Source[0]])) }
        : {}),
    },
    accounts,
    ...(Object.keys(permissionSets).length ? { permissionSets } : {}),
    ...(Object.keys(groups).length ? { groups } : {}),
    ...(Object.keys(users).length ? { users } : {}),
    ...(assignments.length ? { assignments } : {}),
  };
  const text = `# The access matrix adopted from a snapshot of Identity Center (sso-access adopt): review adopt-report.md.\n${dump(matrix, { lineWidth: 160, noRefs: true })}`;
  const kept: Kept = {
    accounts: new Set(Object.values(accounts).map((a) => a.id)),
    permissionSets: new Set(Object.keys(permissionSets)),
    groups: new Set(groupKey.keys()),
    users: new Set(userKey.keys()),
  };
  return { text, files, entities, labels, leftOut: draft.leftOut, external: draft.external, inferred, kept };
}

/** Accounts: the active ones, keyed by their name. */
function draftAccounts({ snapshot, dropped, leftOut, track }: Draft, renamedAccounts: ReadonlySet<string>) {
  const accounts: Record<string, Account> = {};
  const accountKey = new Map<string, string>();
  const accountKeys = new Set<string>();
  for (const a of [...snapshot.accounts].sort((x, y) => byText(x.Name, y.Name) || byText(x.Id, y.Id))) {
    if (a.Status && a.Status !== "ACTIVE") {
      leftOut.push({ what: `account ${accountLabel(a.Name, a.Id)}`, why: `it is ${a.Status}: Identity Center cannot assign access there` });
      continue;
    }
    // A key the checks refused in an earlier round (a look-alike of another) becomes the account id's.
    const fallback = `account-${a.Id}`;
    let key = accountKeyFrom(a.Name, a.Id, accountKeys);
    if (renamedAccounts.has(key)) accountKeys.add((key = fallback));
    accountKey.set(a.Id, key);
    track("accounts", key, `account ${accountLabel(a.Name, a.Id)}`);
    const { facts, unwritable } = accountFactsOf(a, snapshot.managementAccountId);
    leftOut.push(...unwritable);
    accounts[key] = { id: a.Id, ...facts };
  }
  for (const key of [...accountKeys]) if (dropped.accounts.has(key)) delete accounts[key];
  return { accounts, accountKey };
}

/** Permission sets, by name; an inline policy goes to a file beside access.yaml. */
function draftPermissionSets({ snapshot, dropped, track }: Draft) {
  const partition = partitionOf(snapshot.region);
  const files = new Map<string, string>();
  const permissionSets: Record<string, PermissionSet> = {};
  for (const s of [...snapshot.permissionSets].sort((x, y) => byText(x.Name, y.Name))) {
    if (dropped.permissionSets.has(s.Name)) continue;
    track("permissionSets", s.Name, `permission set ${s.Name}`);
    const set: PermissionSet = {};
    if (s.Description !== undefined) set.description = s.Description;
    if (s.SessionDuration !== undefined && s.SessionDuration !== DEFAULT_SESSION_DURATION) set.sessionDuration = s.SessionDuration;
    if (s.RelayState !== undefined) set.relayState = s.RelayState;
    const managed = (s.AttachedManagedPolicies ?? []).map((p) => {
      const name = p.Arn.slice(p.Arn.indexOf(":policy/") + ":policy/".length);
      return p.Arn.includes(":policy/") && managedPolicyArn(name, partition) === p.Arn ? name : p.Arn;
    });
    if (managed.length) set.managedPolicies = [...new Set(managed)].sort(byText);
    const customer = (s.CustomerManagedPolicyReferences ?? []).map((p) => ({ name: p.Name, ...(p.Path && p.Path !== "/" ? { path: p.Path } : {}) }));
    if (customer.length) set.customerManagedPolicies = customer;
    if (s.InlinePolicy !== undefined && s.InlinePolicy !== "") {
      const file = `policies/${s.Name}.json`;
      let text: string;
      try {
        text = `${JSON.stringify(JSON.parse(s.InlinePolicy), null, 2)}\n`;
      } catch {
        text = s.InlinePolicy;
      }
      files.set(file, text);
      set.inlinePolicyFile = file;
    }
    const boundary = s.PermissionsBoundary;
    if (boundary?.ManagedPolicyArn) set.permissionsBoundary = { managedPolicy: boundary.ManagedPolicyArn };
    else if (boundary?.CustomerManagedPolicyReference) {
      const ref = boundary.CustomerManagedPolicyReference;
      set.permissionsBoundary = { customerManagedPolicy: { name: ref.Name, ...(ref.Path && ref.Path !== "/" ? { path: ref.Path } : {}) } };
    }
    if (s.Tags?.length) set.tags = Object.fromEntries(s.Tags.map((t) => [t.Key, t.Value]));
    permissionSets[s.Name] = set;
  }
  return { permissionSets, files };
}

/**
 * Users, by user name: created here, or looked up (external) when an identity provider provisions them or the
 * format cannot express them.
 */
function draftUsers({ snapshot, dropped, external, track }: Draft) {
  const users: Record<string, User> = {};
  const userKey = new Map<string, string>();
  for (const u of [...snapshot.users].sort((x, y) => byText(x.UserName, y.UserName))) {
    if (dropped.users.has(u.UserName)) continue;
    track("users", u.UserName, `user ${u.UserName}`);
    userKey.set(u.UserId, u.UserName);
    const email = emailOf(u);
    const missing = [
      ...(u.DisplayName === undefined ? ["a display name"] : []),
      ...(u.Name?.GivenName === undefined ? ["a given name"] : []),
      ...(u.Name?.FamilyName === undefined ? ["a family name"] : []),
      ...(email === undefined ? [(u.Emails?.length ?? 0) > 1 ? "one primary email" : "an email"] : []),
    ];
    if (u.ExternalIds?.length || missing.length) {
      users[u.UserName] = { external: true };
      external.push({
        what: `user ${u.UserName}`,
        why: u.ExternalIds?.length ? "provisioned by an identity provider (it has external ids)" : `the access file needs ${missing.join(", ")} to manage it`,
      });
      continue;
    }
    users[u.UserName] = { displayName: u.DisplayName!, givenName: u.Name!.GivenName!, familyName: u.Name!.FamilyName!, email: email! };
  }
  return { users, userKey };
}

/** Groups, keyed by their display name, with the members of the groups created here. */
function draftGroups({ snapshot, dropped, external, leftOut, track }: Draft, userKey: ReadonlyMap<string, string>) {
  const groups: Record<string, Group> = {};
  const groupKey = new Map<string, string>();
  const groupKeys = new Set<string>();
  for (const g of [...snapshot.groups].sort((x, y) => byText(groupName(x), groupName(y)))) {
    const display = groupName(g);
    const key = keyFrom(display, GROUP_KEY, /[^\w+=,.@-]/g, `group-${g.GroupId.replace(/[^\w-]/g, "").slice(0, 36)}`, groupKeys, 128);
    if (dropped.groups.has(key)) continue;
    track("groups", key, `group ${JSON.stringify(display)}`);
    groupKey.set(g.GroupId, key);
    const isExternal = (g.ExternalIds?.length ?? 0) > 0;
    if (isExternal)
      external.push({
        what: `group ${JSON.stringify(display)}`,
        why: "provisioned by an identity provider (it has external ids): looked up by display name, members not managed here",
      });
    groups[key] = {
      ...(display !== key ? { displayName: display } : {}),
      ...(g.Description !== undefined && !isExternal ? { description: g.Description } : {}),
      ...(isExternal ? { external: true } : {}),
    };
  }
  const members = new Map<string, string[]>();
  for (const m of snapshot.groupMemberships) {
    const [group, user] = [groupKey.get(m.GroupId), userKey.get(m.MemberId.UserId)];
    if (group === undefined || user === undefined) {
      const gone = group === undefined ? `group ${m.GroupId}` : `user ${m.MemberId.UserId}`;
      leftOut.push({ what: `membership ${m.MembershipId}`, why: `its ${gone} is not in the file (deleted, or left out above)` });
      continue;
    }
    if (groups[group].external) continue;
    members.set(group, [...(members.get(group) ?? []), user]);
  }
  for (const [group, list] of members) groups[group].members = list.sort(byText);
  return { groups, groupKey };
}

/** Assignments: per principal, the sets that reach the same accounts share an entry, with the shortest exact target. */
function draftAssignments(
  { snapshot, options, leftOut }: Draft,
  keys: {
    accounts: Record<string, Account>;
    accountKey: ReadonlyMap<string, string>;
    permissionSets: Record<string, PermissionSet>;
    userKey: ReadonlyMap<string, string>;
    groupKey: ReadonlyMap<string, string>;
  },
) {
  const { accounts, accountKey, permissionSets, userKey, groupKey } = keys;
  const setNames = new Map(snapshot.permissionSets.filter((s) => permissionSets[s.Name]).map((s) => [s.PermissionSetArn, s.Name]));
  const setByArn = new Map(snapshot.permissionSets.map((s) => [s.PermissionSetArn, s.Name]));
  const accountName = new Map(snapshot.accounts.map((a) => [a.Id, a.Name]));
  const reach = new Map<string, Map<string, Set<string>>>();
  for (const a of snapshot.accountAssignments) {
    const principal = a.PrincipalType === "GROUP" ? groupKey.get(a.PrincipalId) : userKey.get(a.PrincipalId);
    const set = setNames.get(a.PermissionSetArn);
    const account = accountKey.get(a.AccountId);
    if (principal === undefined || set === undefined || account === undefined || !accounts[account]) {
      const why =
        principal === undefined
          ? `its ${a.PrincipalType.toLowerCase()} ${a.PrincipalId} is not in the file (deleted, or left out above)`
          : set === undefined
            ? `its permission set ${setByArn.get(a.PermissionSetArn)} is left out above`
            : accountName.has(a.AccountId)
              ? "its account is left out above"
              : "its account is not in the organization";
      leftOut.push({
        what: `assignment of ${setByArn.get(a.PermissionSetArn)} to ${a.PrincipalType.toLowerCase()} ${principal ?? a.PrincipalId} in account ${accountLabel(accountName.get(a.AccountId) ?? "?", a.AccountId)}`,
        why,
      });
      continue;
    }
    const principalKey = `${a.PrincipalType}\u0000${principal}`;
    const bySet = reach.get(principalKey) ?? reach.set(principalKey, new Map()).get(principalKey)!;
    (bySet.get(set) ?? bySet.set(set, new Set()).get(set)!).add(a.AccountId);
  }
  const index = targetIndex(inventoryOf(accounts));
  const assignments: Assignment[] = [];
  const inferred: Adoption["inferred"][number][] = [];
  for (const principalKey of [...reach.keys()].sort(byText)) {
    const [type, principal] = principalKey.split("\u0000");
    const byAccounts = new Map<string, { sets: string[]; accounts: Set<string> }>();
    for (const [set, ids] of reach.get(principalKey)!) {
      const same = [...ids].sort(byText).join(",");
      const entry = byAccounts.get(same) ?? byAccounts.set(same, { sets: [], accounts: ids }).get(same)!;
      entry.sets.push(set);
    }
    for (const { sets, accounts: ids } of [...byAccounts.values()].sort((a, b) => byText(a.sets.sort(byText)[0], b.sets.sort(byText)[0]))) {
      const { target, inferred: broad } = inferTarget(ids, index, options.infer);
      const who = type === "GROUP" ? { group: principal } : { user: principal };
      assignments.push({ ...who, permissionSets: sets.sort(byText), ...target });
      if (broad)
        inferred.push({
          entry: `${type === "GROUP" ? "group" : "user"} ${principal}: ${sets.join(", ")}`,
          target: broad,
          accounts: [...ids].map((id) => index.nameOf.get(id)!).sort(byText),
        });
    }
  }
  return { assignments, inferred };
}

/** Differences as lines, for an error that must never happen. */
function describe(d: StateDifferences): string {
  const lines: string[] = [];
  for (const [kind, e] of Object.entries({ "permission set": d.permissionSets, group: d.groups, user: d.users })) {
    for (const n of e.onlyDeclared) lines.push(`${kind} ${n}: written, not in the snapshot`);
    for (const n of e.onlyLive) lines.push(`${kind} ${n}: in the snapshot, not written`);
    for (const c of e.changed) lines.push(`${kind} ${c.name}: ${c.field} written as ${JSON.stringify(c.declared)}, ${JSON.stringify(c.live)} in the snapshot`);
  }
  for (const m of d.memberships.onlyDeclared) lines.push(`membership ${m.replace("\u0000", " / ")}: written, not in the snapshot`);
  for (const m of d.memberships.onlyLive) lines.push(`membership ${m.replace("\u0000", " / ")}: in the snapshot, not written`);
  for (const a of d.assignments.onlyDeclared) lines.push(`assignment ${a.principal} ${a.permissionSet} ${a.accountId}: written, not in the snapshot`);
  for (const a of d.assignments.onlyLive) lines.push(`assignment ${a.principal} ${a.permissionSet} ${a.accountId}: in the snapshot, not written`);
  return lines.join("\n");
}
