import { createHash } from "node:crypto";
import { TYPE, foundBy, planDecls, planLookups, type Decl, type Plan } from "../expand/plan";
import { byText } from "../common/order";
import { assignmentNameParts } from "../expand/names";

/**
 * The guard against mass removal. A deployment that would delete more than a share of the assignments,
 * memberships or users the last deployment made, or all of a kind, or that moves them to another region or
 * instance, stops before it changes anything, unless the stack allows exactly that removal for one run. The last deployment is known from the stack's own
 * `deployed` output (components/previousDeployment.ts); this module only compares.
 */

/** What one deployment declares, by logical name: enough to tell what the next one would delete. */
export interface Deployed {
  readonly assignments: readonly string[];
  readonly memberships: readonly string[];
  readonly users: readonly string[];
  /**
   * Where they live: the Identity Center region and the instance ARN from stack config (empty: looked up). When it
   * changes, every resource is replaced, so everything counts as removed.
   */
  readonly where?: { readonly region: string; readonly instanceArn: string; readonly identityStoreId?: string };
  /**
   * How many policies (managed, customer managed, inline) each permission set has. A set that had some and has none
   * while assignments still hold it takes away all that its holders could do: a removal, though nothing is deleted.
   * Absent in what older versions recorded.
   */
  readonly policies?: { readonly [permissionSet: string]: number };
  /**
   * Who each looked-up principal is: the display name or user name its lookup finds, by the lookup's key
   * (`group/<key>`, the start of its assignments' names). When it changes, the assignments stay by name but pass to
   * other people: the old principal loses them. Absent in what older versions recorded.
   */
  readonly principals?: { readonly [principal: string]: string };
}

/** What a deployment made before `deployed` existed left: only its assignment count. */
export interface CountOnly {
  readonly assignmentCount: number;
}

const KINDS = ["assignments", "memberships", "users"] as const;
type Kind = (typeof KINDS)[number];

export const DEFAULT_MAX_REMOVAL_SHARE = 0.25;

export interface RemovalLimits {
  /** Largest share (0 to 1) of the last deployment's assignments, memberships or users (each) one deployment may remove; default 0.25. */
  readonly maxShare?: number;
  /** Largest number of assignments, memberships or users (each) one deployment may remove; default no limit. */
  readonly maxCount?: number;
  /** The fingerprint of the one removal allowed (stack config `allowRemovals`). */
  readonly allow?: string;
}

export function deployedOf(plan: Plan, instanceArn = "", identityStoreId = ""): Deployed {
  const names = (type: string) =>
    planDecls(plan)
      .filter((d) => d.type === type)
      .map((d) => d.name)
      .sort(byText);
  return {
    assignments: names(TYPE.accountAssignment),
    memberships: names(TYPE.groupMembership),
    users: names(TYPE.user),
    where: { region: plan.settings.region, instanceArn, identityStoreId },
    policies: Object.fromEntries(plan.permissionSets.map((set) => [set.name, allowingPolicies(set.children)])),
    principals: Object.fromEntries(planLookups(plan).map((l) => [l.key, foundBy(l)])),
  };
}

/** AWS's managed policy that denies every action: attached, it allows nothing; as a boundary, it leaves nothing. */
const DENY_ALL = /:policy\/AWSDenyAll$/;

/**
 * The policies of a set that can allow something: each managed (but AWSDenyAll) or customer managed policy, an
 * inline policy. A boundary of AWSDenyAll leaves none, whatever else is attached.
 */
function allowingPolicies(children: readonly Decl[]): number {
  const boundary = children.find((d) => d.type === TYPE.permissionsBoundary)?.inputs.permissionsBoundary as { managedPolicyArn?: string } | undefined;
  if (boundary?.managedPolicyArn && DENY_ALL.test(boundary.managedPolicyArn)) return 0;
  return children.reduce((n, d) => {
    if (d.type === TYPE.managedPolicies) return n + (d.inputs.managedPolicyArns as readonly string[]).filter((arn) => !DENY_ALL.test(arn)).length;
    if (d.type === TYPE.customerManagedPolicies) return n + (d.inputs.customerManagedPolicyReferences as readonly unknown[]).length;
    return d.type === TYPE.inlinePolicy ? n + 1 : n;
  }, 0);
}

/** True when `value` has the shape deployedOf gives (read back from a stack output). */
export function isDeployed(value: unknown): value is Deployed {
  if (typeof value !== "object" || value === null) return false;
  const record = value as Record<string, unknown>;
  const where = record.where as Record<string, unknown> | undefined;
  const policies = record.policies as Record<string, unknown> | undefined;
  const principals = record.principals as Record<string, unknown> | undefined;
  return (
    KINDS.every((k) => Array.isArray(record[k]) && (record[k] as unknown[]).every((n) => typeof n === "string")) &&
    (where === undefined ||
      (typeof where === "object" &&
        where !== null &&
        typeof where.region === "string" &&
        typeof where.instanceArn === "string" &&
        ["undefined", "string"].includes(typeof where.identityStoreId))) &&
    (policies === undefined || (typeof policies === "object" && policies !== null && Object.values(policies).every((n) => Number.isInteger(n)))) &&
    (principals === undefined || (typeof principals === "object" && principals !== null && Object.values(principals).every((n) => typeof n === "string")))
  );
}

export interface RemovalCheck {
  /** What the deployment would delete, by kind. */
  readonly removed: Deployed;
  /** Permission sets left with no policy while assignments still hold them. */
  readonly emptied: readonly string[];
  /** Why the guard stops it; empty when it may go ahead. */
  readonly reasons: readonly string[];
  /** Names exactly this removal: `sha256:` and 16 hex digits. */
  readonly fingerprint: string;
}

const percent = (share: number) => `${Math.round(share * 1000) / 10}%`;

export function checkRemovals(previous: Deployed | CountOnly | undefined, current: Deployed, limits: RemovalLimits = {}): RemovalCheck {
  const maxShare = limits.maxShare ?? DEFAULT_MAX_REMOVAL_SHARE;
  const reasons: string[] = [];
  // Rules on counts: every kind may lose at most the share (a single item always may), never all of it, and at
  // most maxCount when set.
  const judge = (kind: Kind, before: number, gone: number) => {
    if (!gone) return;
    const share = `${gone} of ${before} ${kind} (${percent(gone / before)})`;
    if (gone === before) reasons.push(`it removes all ${before} ${kind}`);
    else if (gone > 1 && gone / before > maxShare) reasons.push(`it removes ${share}, more than the ${percent(maxShare)} allowed`);
    else if (limits.maxCount !== undefined && gone > limits.maxCount) reasons.push(`it removes ${share}, more than the ${limits.maxCount} allowed`);
  };
  if (previous !== undefined && "assignmentCount" in previous) {
    // Only a count is known: judge the net loss, a lower bound of what goes.
    const gone = Math.max(0, previous.assignmentCount - current.assignments.length);
    judge("assignments", previous.assignmentCount, gone);
    const removed = { assignments: [], memberships: [], users: [] };
    const fingerprint = fingerprintOf({ countOnly: [previous.assignmentCount, current.assignments.length] });
    return { removed, emptied: [], reasons: reasons.map((r) => `${r} (the last deployment recorded only its count)`), fingerprint };
  }
  const moved = movedFrom(previous, current);
  const other = otherPrincipals(previous, current);
  const removedOf = (kind: Kind) => {
    const now = new Set(moved ? [] : current[kind]);
    // An assignment whose principal is now someone else is gone for the one who held it.
    return [...(previous?.[kind] ?? [])].filter((name) => !now.has(name) || other.has(assignmentNameParts(name).principal)).sort(byText);
  };
  const removed = { assignments: removedOf("assignments"), memberships: removedOf("memberships"), users: removedOf("users") };
  if (moved) reasons.push(`${moved}: every assignment, membership and user is deleted there and created anew`);
  else for (const kind of KINDS) judge(kind, previous?.[kind].length ?? 0, removed[kind].length);
  const emptied = moved ? [] : emptiedSets(previous, current);
  for (const [set, holders] of emptied) {
    reasons.push(
      `it leaves permission set ${set} with no policy while ${holders} ${holders === 1 ? "assignment holds" : "assignments hold"} it: they keep the set, and lose all it allowed`,
    );
  }
  const sets = emptied.map(([set]) => set);
  return { removed, emptied: sets, reasons, fingerprint: fingerprintOf(sets.length ? { ...removed, emptied: sets } : removed) };
}

/** How the deployment moves to other Identity Center resources (region, instance, identity store), or undefined. */
function movedFrom(previous: Deployed | undefined, current: Deployed): string | undefined {
  const [from, to] = [previous?.where, current.where];
  if (from === undefined || to === undefined) return undefined;
  if (from.region !== to.region) return `the region changes from ${from.region} to ${to.region}`;
  if (from.instanceArn !== to.instanceArn) return `the instance changes from ${from.instanceArn || "(looked up)"} to ${to.instanceArn || "(looked up)"}`;
  // Recorded since the identity store counts too; older records say nothing about it.
  if (from.identityStoreId !== undefined && to.identityStoreId !== undefined && from.identityStoreId !== to.identityStoreId) {
    return `the identity store changes from ${from.identityStoreId || "(looked up)"} to ${to.identityStoreId || "(looked up)"}`;
  }
  return undefined;
}

/** Looked-up principals that find someone else now (a group's display name changed), by lookup key. */
function otherPrincipals(previous: Deployed | undefined, current: Deployed): Set<string> {
  if (!previous?.principals || !current.principals) return new Set();
  return new Set(
    Object.keys(current.principals).filter((key) => Object.hasOwn(previous.principals!, key) && previous.principals![key] !== current.principals![key]),
  );
}

/** Sets that had policies and have none now, with how many assignments still hold them; sorted by name. */
function emptiedSets(previous: Deployed | undefined, current: Deployed): [string, number][] {
  if (!previous?.policies || !current.policies) return [];
  const holders = new Map<string, number>();
  for (const name of current.assignments) {
    const set = assignmentNameParts(name).permissionSet;
    holders.set(set, (holders.get(set) ?? 0) + 1);
  }
  return Object.entries(current.policies)
    .filter(([set, count]) => count === 0 && (previous.policies![set] ?? 0) > 0 && (holders.get(set) ?? 0) > 0)
    .map(([set]): [string, number] => [set, holders.get(set)!])
    .sort((a, b) => byText(a[0], b[0]));
}

/** Names one removal: stable whatever the order of the lists it is computed from. */
function fingerprintOf(value: unknown): string {
  return `sha256:${createHash("sha256").update(JSON.stringify(value)).digest("hex").slice(0, 16)}`;
}

const CONFIG_KEY = "sso-access:allowRemovals";

/**
 * The sentence to stop the deployment with, or undefined to go ahead. An `allowRemovals` key is honoured only for
 * the removal it names, and a key that names no current removal stops the run too, so it cannot stay behind and
 * silently allow a later one.
 */
export function removalVerdict(check: RemovalCheck, limits: RemovalLimits = {}): string | undefined {
  const { reasons, removed, fingerprint } = check;
  if (limits.maxShare !== undefined && !(limits.maxShare >= 0 && limits.maxShare <= 1)) {
    return `sso-access:maxRemovalShare is ${limits.maxShare}; write a share from 0 to 1, e.g. 0.25`;
  }
  if (limits.maxCount !== undefined && !(Number.isInteger(limits.maxCount) && limits.maxCount >= 0)) {
    return `sso-access:maxRemovals is ${limits.maxCount}; write a whole number of 0 or more`;
  }
  if (!reasons.length) {
    if (limits.allow === undefined) return undefined;
    return `${CONFIG_KEY} is set (${limits.allow}) but this deployment removes nothing the removal guard stops; delete the key so that it cannot allow a later removal: pulumi config rm ${CONFIG_KEY}`;
  }
  if (limits.allow === fingerprint) return undefined;
  const lines = [
    ...KINDS.flatMap((kind) => removed[kind].map((name) => `  - ${kind.slice(0, -1)} ${name}`)),
    ...check.emptied.map((set) => `  - every policy of permission set ${set}`),
  ];
  const shown = lines.length > 20 ? [...lines.slice(0, 20), `  ... and ${lines.length - 20} more`] : lines;
  return [
    `the removal guard stopped this deployment before it changed anything: ${reasons.join("; ")}.`,
    ...(limits.allow !== undefined ? [`${CONFIG_KEY} is set to ${limits.allow}, which allows another removal, not this one (${fingerprint}).`] : []),
    "It would remove:",
    ...shown,
    "If this is intended, allow exactly this removal for one deployment, run again, then delete the key (a key left in place stops the next deployment):",
    `  pulumi config set ${CONFIG_KEY} ${fingerprint}`,
    `  pulumi config rm ${CONFIG_KEY}`,
  ].join("\n");
}
