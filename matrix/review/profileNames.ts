import type { Problem } from "../common/problems";
import type { Plan } from "../expand/plan";
import type { ValidMatrix } from "../model/matrix";
import { effectiveAccess, targetKey, type Target } from "./effectiveAccess";

/**
 * The names `aws-config` gives AWS CLI profiles: one per account and permission set a user holds, from a template.
 * Two targets of one user that a template names alike cannot both be profiles: `aws-config` refuses them, and
 * `check --warnings` finds them for the default template before anyone runs it.
 */

export const DEFAULT_PROFILE_TEMPLATE = "{account}-{permissionSet}";
export const PROFILE_PLACEHOLDERS = ["account", "accountId", "permissionSet", "session"] as const;

/**
 * What to suggest when a template gives two profiles one name, tried in order and checked before it is suggested.
 * The account id (12 digits) ends where the permission set begins, so only set names that sanitize alike can clash.
 */
const FIXES = [DEFAULT_PROFILE_TEMPLATE, "{account}-{accountId}-{permissionSet}", "{accountId}-{permissionSet}"];

/** Profile and session names keep letters, digits and `._-`; anything else becomes `-`. */
export function sanitize(name: string): string {
  return name
    .replace(/[^A-Za-z0-9._-]+/g, "-")
    .replace(/-{2,}/g, "-")
    .replace(/^-+|-+$/g, "");
}

/** Why `template` cannot name profiles, or undefined when it can. */
export function templateMistake(template: string): string | undefined {
  if (/[{}]/.test(template.replace(/\{[^{}]*\}/g, "")))
    return `the profile template "${template}" has a brace without its pair; write placeholders as {account}`;
  for (const [, name] of template.matchAll(/\{([^}]*)\}/g)) {
    if (!(PROFILE_PLACEHOLDERS as readonly string[]).includes(name)) {
      return `unknown placeholder {${name}} in the profile template "${template}"; use ${PROFILE_PLACEHOLDERS.map((p) => `{${p}}`).join(", ")}`;
    }
  }
  return undefined;
}

/** The profile name of one target: the template filled in, sanitized. */
export function profileName(template: string, target: Target, session: string): string {
  const values: Record<string, string> = { account: target.accountName, accountId: target.accountId, permissionSet: target.permissionSet, session };
  return sanitize(template.replace(/\{([^}]*)\}/g, (_, key: string) => values[key]));
}

/** Targets that share a name under `template`, by name; only names of two or more targets. */
export function sharedNames(template: string, targets: readonly Target[], session: string): Map<string, Target[]> {
  const byName = new Map<string, Target[]>();
  for (const t of targets) {
    const name = profileName(template, t, session);
    const list = byName.get(name);
    if (list) list.push(t);
    else byName.set(name, [t]);
  }
  for (const [name, list] of byName) if (list.length < 2) byName.delete(name);
  return byName;
}

/** The first of the suggested templates, other than `template`, that gives every list of targets distinct names. */
export function workingTemplate(template: string, targetLists: readonly (readonly Target[])[], session: string): string | undefined {
  return FIXES.find((t) => t !== template && targetLists.every((targets) => sharedNames(t, targets, session).size === 0));
}

/** One name for two targets that one user (or more) holds. */
interface Clash {
  readonly name: string;
  readonly a: Target;
  readonly b: Target;
  readonly users: readonly string[];
}

/**
 * `check --warnings`: two targets that the default template names alike, held by one user, located at the account
 * (or, when the account is the same, the permission set) written later in the file. The suggested template is
 * checked against every user of the file. A warning, not a problem: the access is valid and deploys as written;
 * profile names are each user's choice (`--profile-template`), and aws-config refuses a clash rather than writing it.
 */
export function profileNameWarnings(valid: ValidMatrix, plan: Plan): Problem[] {
  const targets = new Map<string, Target>();
  for (const row of plan.assignments) targets.set(targetKey(row), { accountId: row.accountId, accountName: row.accountName, permissionSet: row.permissionSet });
  // Only names that two targets share anywhere can clash for someone: the people are computed only then.
  const suspects = sharedNames(DEFAULT_PROFILE_TEMPLATE, [...targets.values()], "");
  if (suspects.size === 0) return [];
  const grants = effectiveAccess(valid, plan).grants;
  const held = new Map<string, Target[]>();
  for (const g of grants) {
    const list = held.get(g.user);
    if (list) list.push(g);
    else held.set(g.user, [g]);
  }
  // Every target that shares a name is paired with the first of its name: all of them are reported at once.
  const clashes = new Map<string, Clash>();
  for (const [user, list] of held) {
    for (const [name, [a, ...others]] of sharedNames(DEFAULT_PROFILE_TEMPLATE, list, "")) {
      for (const b of others) {
        const key = `${targetKey(a)}\u0000${targetKey(b)}`;
        clashes.set(key, { name, a, b, users: [...(clashes.get(key)?.users ?? []), user] });
      }
    }
  }
  const everyone = workingTemplate(DEFAULT_PROFILE_TEMPLATE, [...held.values()], "");
  return [...clashes.values()].map((c) => clashWarning(valid, c, everyone ?? workingTemplate(DEFAULT_PROFILE_TEMPLATE, [[c.a, c.b]], ""), !!everyone));
}

function clashWarning(valid: ValidMatrix, { name, a, b, users }: Clash, fix: string | undefined, forEveryone: boolean): Problem {
  const { locator } = valid;
  const sameAccount = a.accountName === b.accountName;
  const [section, first, second] = sameAccount ? ["permissionSets", a.permissionSet, b.permissionSet] : ["accounts", a.accountName, b.accountName];
  const [p, q] = [locator.key([section, first]), locator.key([section, second])];
  const later = p.line > q.line || (p.line === q.line && p.column > q.column) ? first : second;
  const who = `${users[0]}${users.length > 1 ? ` (and ${users.length - 1} more ${users.length === 2 ? "user" : "users"})` : ""}`;
  const remedy = fix
    ? `use --profile-template "${fix}", which ${forEveryone ? "gives every user of this file distinct names" : "tells these two apart"}, or rename ${sameAccount ? "a permission set" : "an account"}`
    : `no template tells them apart: rename ${sameAccount ? "a permission set" : "an account"}`;
  return locator.problem(
    [section, later],
    `warning: aws-config's default profile name "${name}" stands for both ${a.permissionSet} in ${a.accountName} and ${b.permissionSet} in ${b.accountName}, both held by ${who}, so aws-config refuses it; ${remedy}`,
    "key",
  );
}
