import { createHash } from "node:crypto";
import { TYPE, planDecls, type Plan } from "../expand/plan";
import { byText } from "../common/order";

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
  readonly where?: { readonly region: string; readonly instanceArn: string };
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

export function deployedOf(plan: Plan, instanceArn = ""): Deployed {
  const names = (type: string) =>
    planDecls(plan)
      .filter((d) => d.type === type)
      .map((d) => d.name)
      .sort(byText);
  return {
    assignments: names(TYPE.accountAssignment),
    memberships: names(TYPE.groupMembership),
    users: names(TYPE.user),
    where: { region: plan.settings.region, instanceArn },
  };
}

/** True when `value` has the shape deployedOf gives (read back from a stack output). */
export function isDeployed(value: unknown): value is Deployed {
  if (typeof value !== "object" || value === null) return false;
  const record = value as Record<string, unknown>;
  const where = record.where as Record<string, unknown> | undefined;
  return (
    KINDS.every((k) => Array.isArray(record[k]) && (record[k] as unknown[]).every((n) => typeof n === "string")) &&
    (where === undefined || (typeof where === "object" && where !== null && typeof where.region === "string" && typeof where.instanceArn === "string"))
  );
}

export interface RemovalCheck {
  /** What the deployment would delete, by kind. */
  readonly removed: Deployed;
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
    return { removed, reasons: reasons.map((r) => `${r} (the last deployment recorded only its count)`), fingerprint };
  }
  const moved =
    previous?.where !== undefined &&
    current.where !== undefined &&
    (previous.where.region !== current.where.region || previous.where.instanceArn !== current.where.instanceArn);
  const removedOf = (kind: Kind) => {
    const now = new Set(moved ? [] : current[kind]);
    return [...(previous?.[kind] ?? [])].filter((name) => !now.has(name)).sort(byText);
  };
  const removed = { assignments: removedOf("assignments"), memberships: removedOf("memberships"), users: removedOf("users") };
  if (moved) {
    const from = previous!.where!;
    const to = current.where!;
    const change =
      from.region !== to.region
        ? `the region changes from ${from.region} to ${to.region}`
        : `the instance changes from ${from.instanceArn || "(looked up)"} to ${to.instanceArn || "(looked up)"}`;
    reasons.push(`${change}: every assignment, membership and user is deleted there and created anew`);
  } else {
    for (const kind of KINDS) judge(kind, previous?.[kind].length ?? 0, removed[kind].length);
  }
  return { removed, reasons, fingerprint: fingerprintOf(removed) };
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
  const lines = KINDS.flatMap((kind) => removed[kind].map((name) => `  - ${kind.slice(0, -1)} ${name}`));
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
