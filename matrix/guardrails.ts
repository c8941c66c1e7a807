import { durationSeconds } from "./check";
import { reachedAccounts, selectAccounts, type InventoryAccount } from "./expand";
import type { ValidMatrix } from "./load";
import { byText } from "./plan";
import { privilegedSets } from "./privilege";
import type { DocPath, Problem } from "./problems";
import type { AccountSelector } from "./schema";

/**
 * The organization's own rules, written in `guardrails:` of access.yaml and enforced wherever the file is loaded
 * (check, plan, every offline command, pulumi preview and up). They run on a file that passed every other check,
 * since they reason about what it grants; each violation names its rule and is located where the fix goes.
 */

/** Identity Center's session duration when a set names none. */
const DEFAULT_SESSION_SECONDS = 3600;

function inventoryOf(valid: ValidMatrix): InventoryAccount[] {
  return Object.entries(valid.matrix.accounts).map(([name, account]) => ({ ...account, name }));
}

/** A selector that chooses something: a non-empty list or map, or true. `accounts: []` or `tags: {}` choose nothing, so they guard every account. */
const chooses = (selector: AccountSelector) =>
  Object.values(selector).some((v) => v === true || (Array.isArray(v) ? v.length > 0 : typeof v === "object" && v !== null && Object.keys(v).length > 0));

export function checkGuardrails(valid: ValidMatrix): Problem[] {
  const { matrix, locator } = valid;
  const rules = matrix.guardrails;
  if (!rules) return [];
  const problems: Problem[] = [];
  const at = (p: DocPath, message: string, where: "key" | "value" = "value") => problems.push(locator.problem(p, message, where));
  const sets = matrix.permissionSets ?? {};
  const privileged = privilegedSets(matrix, valid.inlinePolicies);
  const because = (set: string) => `"${set}" is privileged (${privileged.get(set)!.join(", ")})`;

  // Session durations: all sets, and privileged sets.
  for (const [name, set] of Object.entries(sets)) {
    const seconds = set.sessionDuration !== undefined ? durationSeconds(set.sessionDuration)! : DEFAULT_SESSION_SECONDS;
    const where: [DocPath, "key" | "value"] =
      set.sessionDuration !== undefined ? [["permissionSets", name, "sessionDuration"], "value"] : [["permissionSets", name], "key"];
    const shown = set.sessionDuration ?? "PT1H (the default)";
    const limit = rules.maxSessionDuration !== undefined ? durationSeconds(rules.maxSessionDuration)! : undefined;
    if (limit !== undefined && seconds > limit) {
      at(
        where[0],
        `guardrail maxSessionDuration: session duration ${shown} is longer than the ${rules.maxSessionDuration} the guardrails allow; shorten it`,
        where[1],
      );
    }
    const privilegedLimit = rules.privileged?.maxSessionDuration !== undefined ? durationSeconds(rules.privileged.maxSessionDuration)! : undefined;
    if (privilegedLimit !== undefined && privileged.has(name) && seconds > privilegedLimit) {
      at(
        where[0],
        `guardrail privileged.maxSessionDuration: ${because(name)}; its session duration ${shown} is longer than ${rules.privileged!.maxSessionDuration}; shorten it`,
        where[1],
      );
    }
  }

  // Descriptions.
  if (rules.requireDescriptions) {
    for (const [name, set] of Object.entries(sets)) {
      if (set.description === undefined)
        at(["permissionSets", name], `guardrail requireDescriptions: permission set "${name}" has no description; say what it grants and to whom`, "key");
    }
    for (const [key, group] of Object.entries(matrix.groups ?? {})) {
      if (!group.external && group.description === undefined)
        at(["groups", key], `guardrail requireDescriptions: group "${key}" has no description; say who belongs in it`, "key");
    }
  }

  // Assignments: groups only; privileged sets only to the allowed groups in the guarded accounts.
  const inventory = inventoryOf(valid);
  const privilegedRules = rules.privileged;
  const guarded =
    privilegedRules && (privilegedRules.accounts !== undefined || privilegedRules.groups !== undefined)
      ? privilegedRules.accounts && chooses(privilegedRules.accounts)
        ? selectAccounts(privilegedRules.accounts, inventory, false)
        : new Set(inventory.map((a) => a.id))
      : undefined;
  const allowed = privilegedRules?.groups ?? [];
  const label = new Map(inventory.map((a) => [a.id, `${a.name} (${a.id})`]));
  (matrix.assignments ?? []).forEach((entry, i) => {
    if (rules.forbidUserAssignments && entry.user !== undefined) {
      at(
        ["assignments", i, "user"],
        `guardrail forbidUserAssignments: assign a group, not the user "${entry.user}"; put the user in a group that holds this access`,
      );
    }
    if (!guarded) return;
    // Every set of an entry reaches the same accounts.
    const reached = reachedAccounts(entry, inventory)
      .filter((id) => guarded.has(id))
      .sort(byText);
    entry.permissionSets.forEach((set, j) => {
      if (!privileged.has(set) || !reached.length) return;
      const accounts =
        reached.length > 3
          ? `${reached
              .slice(0, 3)
              .map((id) => label.get(id))
              .join(", ")} and ${reached.length - 3} more`
          : reached.map((id) => label.get(id)).join(", ");
      const holders = allowed.length ? `only the groups ${allowed.join(", ")} may hold it` : "no group may hold it";
      if (entry.user !== undefined) {
        at(["assignments", i, "permissionSets", j], `guardrail privileged.groups: ${because(set)}: in ${accounts} ${holders}, never a user directly`);
      } else if (!allowed.includes(entry.group!)) {
        at(["assignments", i, "permissionSets", j], `guardrail privileged.groups: ${because(set)}: in ${accounts} ${holders}, not the group "${entry.group}"`);
      }
    });
  });
  return problems;
}

/** IAM's default quota of managed policies per role; Identity Center's own limit (20) needs the quota raised in every account. */
export const IAM_DEFAULT_POLICIES_PER_ROLE = 10;

/** Findings that are not errors: `check --warnings` prints them and still exits 0. */
export function checkWarnings(valid: ValidMatrix, assigned: ReadonlySet<string>): Problem[] {
  const { matrix, locator } = valid;
  const out: Problem[] = [];
  const warn = (p: DocPath, message: string) => out.push(locator.problem(p, `warning: ${message}`, "key"));
  for (const [name, set] of Object.entries(matrix.permissionSets ?? {})) {
    const count = (set.managedPolicies?.length ?? 0) + (set.customerManagedPolicies?.length ?? 0);
    if (count > IAM_DEFAULT_POLICIES_PER_ROLE) {
      warn(
        ["permissionSets", name],
        `${count} managed and customer managed policies; IAM allows ${IAM_DEFAULT_POLICIES_PER_ROLE} per role unless the quota is raised in every account the set is assigned to`,
      );
    }
    if (!assigned.has(name)) warn(["permissionSets", name], `permission set "${name}" is assigned nowhere; assign it or remove it`);
  }
  const members = new Set<string>();
  for (const group of Object.values(matrix.groups ?? {})) for (const m of group.members ?? []) members.add(m);
  for (const [name, user] of Object.entries(matrix.users ?? {})) if (user.groups?.length) members.add(name);
  const principals = new Set((matrix.assignments ?? []).map((a) => a.group ?? `user:${a.user}`));
  for (const [key, group] of Object.entries(matrix.groups ?? {})) {
    const hasMembers = (group.members?.length ?? 0) > 0 || Object.values(matrix.users ?? {}).some((u) => u.groups?.includes(key));
    if (!group.external && !hasMembers && !principals.has(key)) warn(["groups", key], `group "${key}" has no members and no assignments; fill it or remove it`);
  }
  for (const [name, user] of Object.entries(matrix.users ?? {})) {
    if (!user.external && !members.has(name)) warn(["users", name], `user "${name}" is in no group; access by group membership is easier to review`);
  }
  (matrix.guardrails?.privileged?.groups ?? []).forEach((group, i) => {
    if (matrix.groups?.[group]?.external) {
      out.push(
        locator.problem(
          ["guardrails", "privileged", "groups", i],
          `warning: group "${group}" is external: who may hold privileged sets is decided in your identity provider, not reviewed here`,
        ),
      );
    }
  });
  return out;
}
