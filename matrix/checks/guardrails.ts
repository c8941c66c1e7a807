import { DEFAULT_SESSION_DURATION, durationSeconds } from "../aws/limits";
import { byText } from "../common/order";
import type { DocPath, Problem } from "../common/problems";
import { didYouMean } from "../common/suggest";
import { accountLabel, inventoryOf, reachedAccounts, selectAccounts } from "../model/accounts";
import type { AccountSelector, Guardrails, Matrix, ValidMatrix } from "../model/matrix";
import { privilegedSets } from "../model/privileged";
import { isMap, itemsOf, type Document } from "./document";
import { checkSessionDuration } from "./sessions";
import { targetChecks } from "./targets";

/**
 * The organization's own rules, written in `guardrails:` of access.yaml and enforced wherever the file is loaded
 * (check, plan, every offline command, pulumi preview and up). They run on a file that passed every other check,
 * since they reason about what it grants; each violation names its rule and is located where the fix goes.
 */

/** Before the rules can judge the file: their durations are possible, and every name they use resolves. */
export function checkGuardrailReferences(doc: Document): void {
  if (!isMap(doc.raw.guardrails)) return;
  const g = doc.raw.guardrails;
  checkSessionDuration(doc, g.maxSessionDuration, ["guardrails", "maxSessionDuration"]);
  const privileged = isMap(g.privileged) ? g.privileged : {};
  const p = ["guardrails", "privileged"];
  checkSessionDuration(doc, privileged.maxSessionDuration, [...p, "maxSessionDuration"]);
  itemsOf(privileged.permissionSets).forEach((ps, i) => {
    if (typeof ps === "string" && !doc.permissionSets.has(ps)) {
      doc.at([...p, "permissionSets", i], `unknown permission set "${ps}"${didYouMean(ps, doc.permissionSets.keys)}`);
    }
  });
  const external = [...doc.groups.valid].filter(([, group]) => group.external || group.existing);
  // An external or existing group is the group its display name finds: the rule names it so (identityOf).
  const names = [...doc.groups.keys, ...external.map(([key, group]) => group.displayName ?? key)];
  const named = new Set(names);
  const externalByKey = new Map(external);
  itemsOf(privileged.groups).forEach((group, i) => {
    if (typeof group !== "string") return;
    if (!named.has(group)) return doc.at([...p, "groups", i], `unknown group "${group}"${didYouMean(group, names)}`);
    const found = externalByKey.get(group);
    if (found?.displayName !== undefined && found.displayName !== group) {
      doc.at(
        [...p, "groups", i],
        `group "${group}" is external: it is whoever its display name "${found.displayName}" finds in your identity provider, so list that name here (a new display name then breaks this rule instead of passing it)`,
      );
    }
  });
  targetChecks(doc)(isMap(privileged.accounts) ? privileged.accounts : {}, [...p, "accounts"]);
}

type Report = (path: DocPath, message: string, where?: "key" | "value") => void;

export function checkGuardrails(valid: ValidMatrix): Problem[] {
  const { matrix, locator } = valid;
  const rules = matrix.guardrails;
  if (!rules) return [];
  const problems: Problem[] = [];
  const at: Report = (p, message, where = "value") => problems.push(locator.problem(p, message, where));
  const privileged = privilegedSets(matrix, valid.inlinePolicies);
  const because = (set: string) => `"${set}" is privileged (${privileged.get(set)!.join(", ")})`;
  checkSessions(matrix, rules, privileged, because, at);
  if (rules.requireDescriptions) checkDescriptions(matrix, at);
  checkHolders(matrix, rules, privileged, because, at);
  return problems;
}

/** Session durations: of every set, and of privileged sets. */
function checkSessions(matrix: Matrix, rules: Guardrails, privileged: ReadonlyMap<string, unknown>, because: (set: string) => string, at: Report): void {
  const limit = rules.maxSessionDuration !== undefined ? durationSeconds(rules.maxSessionDuration)! : undefined;
  const privilegedLimit = rules.privileged?.maxSessionDuration !== undefined ? durationSeconds(rules.privileged.maxSessionDuration)! : undefined;
  for (const [name, set] of Object.entries(matrix.permissionSets ?? {})) {
    const seconds = durationSeconds(set.sessionDuration ?? DEFAULT_SESSION_DURATION)!;
    const where: [DocPath, "key" | "value"] =
      set.sessionDuration !== undefined ? [["permissionSets", name, "sessionDuration"], "value"] : [["permissionSets", name], "key"];
    const shown = set.sessionDuration ?? `${DEFAULT_SESSION_DURATION} (the default)`;
    if (limit !== undefined && seconds > limit) {
      at(
        where[0],
        `guardrail maxSessionDuration: session duration ${shown} is longer than the ${rules.maxSessionDuration} the guardrails allow; shorten it`,
        where[1],
      );
    }
    if (privilegedLimit !== undefined && privileged.has(name) && seconds > privilegedLimit) {
      at(
        where[0],
        `guardrail privileged.maxSessionDuration: ${because(name)}; its session duration ${shown} is longer than ${rules.privileged!.maxSessionDuration}; shorten it`,
        where[1],
      );
    }
  }
}

/** Every permission set and every group created here says what it is for (an existing one is not managed here). */
function checkDescriptions(matrix: Matrix, at: Report): void {
  for (const [name, set] of Object.entries(matrix.permissionSets ?? {})) {
    if (!set.existing && set.description === undefined)
      at(["permissionSets", name], `guardrail requireDescriptions: permission set "${name}" has no description; say what it grants and to whom`, "key");
  }
  for (const [key, group] of Object.entries(matrix.groups ?? {})) {
    if (!group.external && !group.existing && group.description === undefined)
      at(["groups", key], `guardrail requireDescriptions: group "${key}" has no description; say who belongs in it`, "key");
  }
}

/** A selector that chooses something: a non-empty list or map, or true. `accounts: []` or `tags: {}` choose nothing, so they guard every account. */
const chooses = (selector: AccountSelector) =>
  Object.values(selector).some((v) => v === true || (Array.isArray(v) ? v.length > 0 : typeof v === "object" && v !== null && Object.keys(v).length > 0));

/** The ids of the accounts where only `privileged.groups` may hold a privileged set; undefined when no such rule is written. */
export function guardedAccounts(matrix: Matrix, inventory = inventoryOf(matrix.accounts)): Set<string> | undefined {
  const rules = matrix.guardrails?.privileged;
  if (!rules || (rules.accounts === undefined && rules.groups === undefined)) return undefined;
  return rules.accounts && chooses(rules.accounts) ? selectAccounts(rules.accounts, inventory, false) : new Set(inventory.map((a) => a.id));
}

/**
 * The name `privileged.groups` knows a group by: its key for a group created here (its members are in this file), the
 * display name for an external group (its lookup finds whichever group has that name; a key that kept its place
 * while its display name changed would let other people in).
 */
export function identityOf(matrix: Matrix, key: string): string {
  const group = matrix.groups?.[key];
  return group?.external || group?.existing ? (group.displayName ?? key) : key;
}

/** Who may hold what: groups only; privileged sets only to the allowed groups in the guarded accounts. */
function checkHolders(matrix: Matrix, rules: Guardrails, privileged: ReadonlyMap<string, unknown>, because: (set: string) => string, at: Report): void {
  const inventory = inventoryOf(matrix.accounts);
  const privilegedRules = rules.privileged;
  const guarded = guardedAccounts(matrix, inventory);
  const allowed = privilegedRules?.groups ?? [];
  const label = new Map(inventory.map((a) => [a.id, accountLabel(a.name, a.id)]));
  const holders = allowed.length ? `only the groups ${allowed.join(", ")} may hold it` : "no group may hold it";
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
      .sort(byText)
      .map((id) => label.get(id)!);
    const accounts = reached.length > 3 ? `${reached.slice(0, 3).join(", ")} and ${reached.length - 3} more` : reached.join(", ");
    entry.permissionSets.forEach((set, j) => {
      if (!privileged.has(set) || !reached.length) return;
      const path = ["assignments", i, "permissionSets", j];
      if (entry.user !== undefined) at(path, `guardrail privileged.groups: ${because(set)}: in ${accounts} ${holders}, never a user directly`);
      else if (!allowed.includes(identityOf(matrix, entry.group!))) {
        const identity = identityOf(matrix, entry.group!);
        const found = identity === entry.group ? "" : ` (external: the group its display name "${identity}" finds)`;
        at(path, `guardrail privileged.groups: ${because(set)}: in ${accounts} ${holders}, not the group "${entry.group}"${found}`);
      }
    });
  });
}
