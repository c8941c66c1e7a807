import { createHash } from "node:crypto";
import { TYPE, byText, planDecls, type Plan } from "./plan";

/**
 * The guard against mass removal. A deployment that would delete more than a share of the assignments the last
 * deployment made, or every assignment, membership or user of a kind, stops before it changes anything, unless
 * the stack allows exactly that removal for one run. The last deployment is known from the stack's own
 * `deployed` output (components/previousDeployment.ts); this module only compares.
 */

/** What one deployment declares, by logical name: enough to tell what the next one would delete. */
export interface Deployed {
  readonly assignments: readonly string[];
  readonly memberships: readonly string[];
  readonly users: readonly string[];
}

const KINDS = ["assignments", "memberships", "users"] as const;
type Kind = (typeof KINDS)[number];

export const DEFAULT_MAX_REMOVAL_SHARE = 0.25;

export interface RemovalLimits {
  /** Largest share (0 to 1) of the last deployment's assignments one deployment may remove; default 0.25. */
  readonly maxShare?: number;
  /** Largest number of assignments, memberships or users (each) one deployment may remove; default no limit. */
  readonly maxCount?: number;
  /** The fingerprint of the one removal allowed (stack config `allowRemovals`). */
  readonly allow?: string;
}

export function deployedOf(plan: Plan): Deployed {
  const names = (type: string) => planDecls(plan).filter((d) => d.type === type).map((d) => d.name).sort(byText);
  return { assignments: names(TYPE.accountAssignment), memberships: names(TYPE.groupMembership), users: names(TYPE.user) };
}

/** True when `value` has the shape deployedOf gives (read back from a stack output). */
export function isDeployed(value: unknown): value is Deployed {
  if (typeof value !== "object" || value === null) return false;
  return KINDS.every((k) => Array.isArray((value as Record<string, unknown>)[k]) && ((value as Record<string, unknown[]>)[k]).every((n) => typeof n === "string"));
}

export interface RemovalCheck {
  /** What the deployment would delete, by kind. */
  readonly removed: Deployed;
  /** Why the guard stops it; empty when it may go ahead. */
  readonly reasons: readonly string[];
  /** Names exactly this removal: `sha256:` and 16 hex digits. */
  readonly fingerprint: string;
}

export function checkRemovals(previous: Deployed | undefined, current: Deployed, limits: RemovalLimits = {}): RemovalCheck {
  const maxShare = limits.maxShare ?? DEFAULT_MAX_REMOVAL_SHARE;
  const removedOf = (kind: Kind) => {
    const now = new Set(current[kind]);
    return (previous?.[kind] ?? []).filter((name) => !now.has(name));
  };
  const removed = { assignments: removedOf("assignments"), memberships: removedOf("memberships"), users: removedOf("users") };
  const reasons: string[] = [];
  for (const kind of KINDS) {
    const before = previous?.[kind].length ?? 0;
    const gone = removed[kind].length;
    if (!gone) continue;
    const share = `${gone} of ${before} ${kind} (${Math.round((gone / before) * 100)}%)`;
    if (gone === before) reasons.push(`it removes all ${before} ${kind}`);
    else if (kind === "assignments" && gone / before > maxShare) reasons.push(`it removes ${share}, more than the ${Math.round(maxShare * 100)}% allowed`);
    else if (limits.maxCount !== undefined && gone > limits.maxCount) reasons.push(`it removes ${share}, more than the ${limits.maxCount} allowed`);
  }
  const fingerprint = `sha256:${createHash("sha256").update(JSON.stringify(removed)).digest("hex").slice(0, 16)}`;
  return { removed, reasons, fingerprint };
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
