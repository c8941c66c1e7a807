import * as path from "node:path";
import type { z } from "zod";
import { ouPrefixes, reachedAccounts } from "./expand";
import { PolicyDocumentSchema, inlinePolicyJson, managedPolicyArn, partitionOf } from "./policies";
import type { DocPath, Problem } from "./problems";
import {
  ACCOUNT_ID,
  AccountSchema,
  AssignmentSchema,
  GroupSchema,
  PermissionSetSchema,
  SESSION_DURATION,
  UserSchema,
  type Account,
  type Assignment,
  type Group,
  type PermissionSet,
  type User,
} from "./schema";
import { didYouMean } from "./suggest";
import type { SiblingFiles } from "./source";
import { parseYaml, type Locator } from "./yaml";
import { zodProblems } from "./zodProblems";

/**
 * The rules that need more than one field: references between sections, uniqueness, limits, inline policies.
 *
 * They run on every entry that has a valid shape, even when other entries do not, so that one run reports every
 * problem. A reference to an entry whose shape is broken still resolves (its key exists), so a broken entry is
 * reported once, at itself.
 */

/** Identity Center reserves these user names. */
export const RESERVED_USER_NAMES = ["Administrator", "AWSAdministrators"];
/** Managed plus customer-managed policies on one permission set. */
export const MAX_ATTACHED_POLICIES = 20;

export interface CheckResult {
  readonly problems: Problem[];
  /** The compact JSON of every permission set's inline policy, by permission set name. */
  readonly inlinePolicies: ReadonlyMap<string, string>;
}

type Raw = Record<string, unknown>;
const isMap = (v: unknown): v is Raw => v !== null && typeof v === "object" && !Array.isArray(v);

/**
 * The entry as far as its shape is valid: parsed as is (`intact`), or else without the keys that have problems
 * (those are reported by the schema pass), so that the rules below still check the rest of it. Undefined if
 * nothing is left.
 */
function usable<T>(value: unknown, schema: z.ZodType<T>): { value: T; intact: boolean } | undefined {
  const parsed = schema.safeParse(value);
  if (parsed.success) return { value: parsed.data, intact: true };
  if (!isMap(value)) return undefined;
  const bad = new Set<PropertyKey>(parsed.error.issues.flatMap((i) => (i.code === "unrecognized_keys" && i.path.length === 0 ? i.keys : i.path.slice(0, 1))));
  const again = schema.safeParse(Object.fromEntries(Object.entries(value).filter(([k]) => !bad.has(k))));
  return again.success ? { value: again.data, intact: false } : undefined;
}

/** The usable entries of a name-keyed section, and all of the section's keys. */
function section<T>(raw: unknown, schema: z.ZodType<T>): { valid: Map<string, T>; keys: string[]; raw: Raw } {
  const valid = new Map<string, T>();
  if (!isMap(raw)) return { valid, keys: [], raw: {} };
  for (const [key, value] of Object.entries(raw)) {
    const entry = usable(value, schema);
    if (entry !== undefined) valid.set(key, entry.value);
  }
  return { valid, keys: Object.keys(raw), raw };
}

/** A written target (non-empty list or map, or true); a malformed one counts as written, the schema reports it. */
const written = (v: unknown): boolean => v !== undefined && v !== false && !(Array.isArray(v) && v.length === 0) && !(isMap(v) && Object.keys(v).length === 0);

export function durationSeconds(iso: string): number | undefined {
  const m = SESSION_DURATION.exec(iso);
  if (!m) return undefined;
  return Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
}

export function checkMatrix(doc: unknown, locator: Locator, files: SiblingFiles): CheckResult {
  const problems: Problem[] = [];
  const inlinePolicies = new Map<string, string>();
  const raw: Raw = isMap(doc) ? doc : {};
  const at = (p: DocPath, message: string, where: "key" | "value" = "value") => problems.push(locator.problem(p, message, where));

  const checkDuration = (iso: unknown, p: DocPath) => {
    const seconds = typeof iso === "string" ? durationSeconds(iso) : undefined;
    if (seconds !== undefined && (seconds < 3600 || seconds > 12 * 3600))
      at(p, `session duration ${iso} is outside what Identity Center allows; use PT1H to PT12H`);
  };

  const region = isMap(raw.identityCenter) && typeof raw.identityCenter.region === "string" ? raw.identityCenter.region : "us-east-1";
  const partition = partitionOf(region);
  const accounts = section<Account>(raw.accounts, AccountSchema);
  const permissionSets = section<PermissionSet>(raw.permissionSets, PermissionSetSchema);
  const groups = section<Group>(raw.groups, GroupSchema);
  const users = section<User>(raw.users, UserSchema);

  // Accounts: ids unique, at most one management account, names that cannot be mistaken for ids.
  const byId = new Map<string, string>();
  let management: string | undefined;
  for (const [name, account] of accounts.valid) {
    if (ACCOUNT_ID.test(name) && name !== account.id) {
      at(["accounts", name], `an account name that is 12 digits reads like an account id; name the account (e.g. "prod") and keep the id in id:`, "key");
    }
    const other = byId.get(account.id);
    if (other !== undefined) at(["accounts", name, "id"], `account id ${account.id} is already the id of account "${other}"; list each account once`);
    else byId.set(account.id, name);
    if (account.management) {
      if (management !== undefined) at(["accounts", name, "management"], `account "${management}" is already the management account; an organization has one`);
      else management = name;
    }
  }
  const ouTargets = new Set([...accounts.valid.values()].flatMap((a) => ouPrefixes(a.ou)));
  const tagValues = new Map<string, Set<string>>();
  for (const account of accounts.valid.values()) {
    for (const [k, v] of Object.entries(account.tags ?? {})) {
      if (!tagValues.has(k)) tagValues.set(k, new Set());
      tagValues.get(k)!.add(v);
    }
  }

  // Permission sets.
  for (const [name, set] of permissionSets.valid) {
    const base = ["permissionSets", name];
    if (set.sessionDuration !== undefined) checkDuration(set.sessionDuration, [...base, "sessionDuration"]);
    const managed = set.managedPolicies ?? [];
    const count = managed.length + (set.customerManagedPolicies?.length ?? 0);
    if (count > MAX_ATTACHED_POLICIES) {
      at(
        base,
        `${count} managed and customer managed policies are attached; Identity Center allows at most ${MAX_ATTACHED_POLICIES} per permission set`,
        "key",
      );
    }
    const arns = managed.map((policy) => managedPolicyArn(policy, partition));
    arns.forEach((arn, i) => {
      if (arns.indexOf(arn) !== i) at([...base, "managedPolicies", i], `${managed[i]} is listed twice (as ${arn}); list it once`);
      else if (!arn.startsWith(`arn:${partition}:`))
        at([...base, "managedPolicies", i], `${arn} is not in partition ${partition} of region ${region}; write the policy by name`);
    });
    const customer = (set.customerManagedPolicies ?? []).map((p) => `${p.path ?? "/"}${p.name}`);
    customer.forEach((policy, i) => {
      if (customer.indexOf(policy) !== i) at([...base, "customerManagedPolicies", i], `customer managed policy ${policy} is listed twice; list it once`);
    });
    const boundary = set.permissionsBoundary;
    if (boundary && (boundary.managedPolicy === undefined) === (boundary.customerManagedPolicy === undefined)) {
      at([...base, "permissionsBoundary"], "a permissions boundary is exactly one of managedPolicy or customerManagedPolicy");
    }
    if (set.inlinePolicy !== undefined && set.inlinePolicyFile !== undefined) {
      at([...base, "inlinePolicyFile"], "a permission set has one inline policy: write inlinePolicy or inlinePolicyFile, not both");
    } else if (set.inlinePolicy !== undefined) {
      const json = checkPolicy(set.inlinePolicy, locator, [...base, "inlinePolicy"], problems);
      if (json !== undefined) inlinePolicies.set(name, json);
    } else if (set.inlinePolicyFile !== undefined) {
      const json = checkPolicyFile(set.inlinePolicyFile, files, locator, [...base, "inlinePolicyFile"], problems);
      if (json !== undefined) inlinePolicies.set(name, json);
    }
  }

  // Users: unique ignoring case (Identity Center does), not reserved, complete unless external.
  const userByLower = new Map<string, string>();
  for (const name of users.keys) {
    const lower = name.toLowerCase();
    const other = userByLower.get(lower);
    if (other !== undefined) {
      at(["users", name], `user name "${name}" differs from "${other}" only in case; Identity Center treats them as one user: keep one`, "key");
    } else userByLower.set(lower, name);
    if (RESERVED_USER_NAMES.some((r) => r.toLowerCase() === lower)) {
      at(["users", name], `"${name}" is a user name that Identity Center reserves; choose another`, "key");
    }
  }
  for (const [name, user] of users.valid) {
    const fields = ["displayName", "givenName", "familyName", "email"] as const;
    if (user.external) {
      for (const field of fields) {
        if (user[field] !== undefined) at(["users", name, field], `user "${name}" is external: your identity provider owns ${field}; remove it here`, "key");
      }
    } else {
      for (const field of fields) {
        if (user[field] === undefined && !(isMap(users.raw[name]) && field in (users.raw[name] as Raw)))
          at(["users", name], `missing required key "${field}" (Identity Center needs it to create the user; or mark the user external: true)`, "key");
      }
    }
    (user.groups ?? []).forEach((group, i) => {
      const p = ["users", name, "groups", i];
      if (!groups.keys.includes(group)) at(p, `unknown group "${group}"${didYouMean(group, groups.keys)}`);
      else if (groups.valid.get(group)?.external) at(p, `group "${group}" is external: its members come from your identity provider; add the user there`);
    });
  }

  // Groups: display names unique, external groups have no members here, members exist.
  const byDisplayName = new Map<string, string>();
  for (const [key, group] of groups.valid) {
    const displayName = group.displayName ?? key;
    const other = byDisplayName.get(displayName);
    if (other !== undefined)
      at(
        ["groups", key, group.displayName ? "displayName" : ""].filter(Boolean),
        `display name "${displayName}" is already used by group "${other}"; display names are unique in the identity store`,
        group.displayName ? "value" : "key",
      );
    else byDisplayName.set(displayName, key);
    if (group.external && group.members?.length) {
      at(["groups", key, "members"], `group "${key}" is external: its members come from your identity provider; remove members or external`, "key");
      continue;
    }
    (group.members ?? []).forEach((member, i) => {
      const p = ["groups", key, "members", i];
      if (!users.keys.includes(member)) at(p, `unknown user "${member}"${didYouMean(member, users.keys)}`);
      else if (group.members!.indexOf(member) !== i) at(p, `"${member}" is listed twice; list each member once`);
    });
  }

  // Assignments: a principal, known permission sets, targets that resolve.
  const accountRefs = [...accounts.keys, ...byId.keys()];
  // The target checks read the entry as written, item by item, so that one malformed item (reported by the
  // schema pass) does not hide the names beside it.
  const checkAccounts = (names: unknown, p: DocPath) =>
    (Array.isArray(names) ? names : []).forEach((ref, i) => {
      if (typeof ref === "string" && !accounts.keys.includes(ref) && !byId.has(ref)) {
        const hint = ACCOUNT_ID.test(ref) ? "; add it to accounts first" : didYouMean(ref, accountRefs);
        at([...p, i], `unknown account "${ref}"${hint}`);
      }
    });
  const checkOus = (ous: unknown, p: DocPath) =>
    (Array.isArray(ous) ? ous : []).forEach((ou, i) => {
      if (typeof ou === "string" && !ouTargets.has(ou)) at([...p, i], `no account is in OU "${ou}"${didYouMean(ou, ouTargets)}`);
    });
  const checkTags = (selector: unknown, p: DocPath) => {
    for (const [k, v] of Object.entries(isMap(selector) ? selector : {})) {
      const values = tagValues.get(k);
      if (!values) {
        at([...p, k], `no account has the tag "${k}"${didYouMean(k, tagValues.keys())}`, "key");
        continue;
      }
      const wanted = Array.isArray(v) ? v : [v];
      wanted.forEach((value: unknown, i) => {
        if (typeof value === "string" && !values.has(value))
          at(Array.isArray(v) ? [...p, k, i] : [...p, k], `no account has ${k}: ${value}${didYouMean(value, values)}`);
      });
    }
  };
  const inventory = [...accounts.valid].map(([name, account]) => ({ ...account, name }));
  const rawAssignments = Array.isArray(raw.assignments) ? raw.assignments : [];
  rawAssignments.forEach((entry, i) => {
    const entryUsable = usable(entry, AssignmentSchema);
    if (!entryUsable) return;
    const a: Assignment = entryUsable.value;
    const asWritten = entry as Raw;
    const exclude = isMap(asWritten.exclude) ? asWritten.exclude : {};
    const before = problems.length;
    const base = ["assignments", i];
    if ((a.group === undefined) === (a.user === undefined)) {
      at(base, "an assignment names exactly one principal: group: or user:");
    } else if (a.group !== undefined && !groups.keys.includes(a.group)) {
      at([...base, "group"], `unknown group "${a.group}"${didYouMean(a.group, groups.keys)}`);
    } else if (a.user !== undefined && !users.keys.includes(a.user)) {
      at([...base, "user"], `unknown user "${a.user}"${didYouMean(a.user, users.keys)}`);
    }
    a.permissionSets.forEach((ps, j) => {
      if (!permissionSets.keys.includes(ps)) at([...base, "permissionSets", j], `unknown permission set "${ps}"${didYouMean(ps, permissionSets.keys)}`);
    });
    if (!["accounts", "ous", "tags", "allAccounts"].some((k) => written(asWritten[k]))) {
      at(base, "an assignment needs a target: accounts, ous, tags or allAccounts: true");
    }
    checkAccounts(asWritten.accounts, [...base, "accounts"]);
    checkOus(asWritten.ous, [...base, "ous"]);
    checkTags(asWritten.tags, [...base, "tags"]);
    checkAccounts(exclude.accounts, [...base, "exclude", "accounts"]);
    checkOus(exclude.ous, [...base, "exclude", "ous"]);
    checkTags(exclude.tags, [...base, "exclude", "tags"]);
    // Every name resolves: then an entry that reaches no account is a mistake (a selector that only matches the
    // management account, tags no single account has together, or exclusions that remove every target).
    if (entryUsable.intact && problems.length === before && reachedAccounts(a, inventory).length === 0) {
      at(
        base,
        "this assignment reaches no account (OU, tag and all-account targets skip the management account; name it in accounts to include it); fix its targets or remove it",
      );
    }
  });

  // Guardrails: their durations are possible, and every name they use resolves.
  if (isMap(raw.guardrails)) {
    const g = raw.guardrails;
    checkDuration(g.maxSessionDuration, ["guardrails", "maxSessionDuration"]);
    const privileged = isMap(g.privileged) ? g.privileged : {};
    const p = ["guardrails", "privileged"];
    checkDuration(privileged.maxSessionDuration, [...p, "maxSessionDuration"]);
    (Array.isArray(privileged.permissionSets) ? privileged.permissionSets : []).forEach((ps: unknown, i) => {
      if (typeof ps === "string" && !permissionSets.keys.includes(ps))
        at([...p, "permissionSets", i], `unknown permission set "${ps}"${didYouMean(ps, permissionSets.keys)}`);
    });
    (Array.isArray(privileged.groups) ? privileged.groups : []).forEach((group: unknown, i) => {
      if (typeof group === "string" && !groups.keys.includes(group)) at([...p, "groups", i], `unknown group "${group}"${didYouMean(group, groups.keys)}`);
    });
    const selector = isMap(privileged.accounts) ? privileged.accounts : {};
    checkAccounts(selector.accounts, [...p, "accounts", "accounts"]);
    checkOus(selector.ous, [...p, "accounts", "ous"]);
    checkTags(selector.tags, [...p, "accounts", "tags"]);
  }

  return { problems, inlinePolicies };
}

/** Validates an inline policy document at `p` of the matrix; returns its compact JSON when valid. */
function checkPolicy(document: unknown, locator: Locator, p: DocPath, problems: Problem[]): string | undefined {
  const parsed = PolicyDocumentSchema.safeParse(document, { reportInput: true });
  if (!parsed.success) {
    problems.push(...zodProblems(parsed.error.issues, locator, p, PolicyDocumentSchema, document));
    return undefined;
  }
  const { json, problem } = inlinePolicyJson(parsed.data);
  if (problem) {
    problems.push(locator.problem(p, problem, "key"));
    return undefined;
  }
  return json;
}

/**
 * Reads a policy file named relative to access.yaml. The file must stay inside the folder of access.yaml: a path
 * that climbs out (`../`), an absolute path or a link that points outside is refused, since a reviewer of
 * access.yaml would not see what it pulls in.
 */
function checkPolicyFile(relative: string, files: SiblingFiles, locator: Locator, p: DocPath, problems: Problem[]): string | undefined {
  const fail = (message: string) => {
    problems.push(locator.problem(p, message));
    return undefined;
  };
  const here = path.basename(locator.file);
  if (path.isAbsolute(relative) || path.posix.isAbsolute(relative) || path.win32.isAbsolute(relative)) {
    return fail(`"${relative}" is an absolute path; name the policy file relative to the folder of ${here}`);
  }
  const normal = path.posix.normalize(relative.replace(/\\/g, "/"));
  if (normal === "." || normal === "./") return fail(`policy file "${relative}" is a folder; name a JSON file`);
  if (normal === ".." || normal.startsWith("../")) return fail(`"${relative}" leaves the folder of ${here}; keep policy files beside it`);
  const shownName = path.join(path.dirname(locator.file), relative);
  const text = files.read(normal, shownName);
  if (typeof text === "string") return fail(text.replace("access.yaml", here));
  if (!text.ok) {
    problems.push(...text.problems);
    return undefined;
  }
  const parsed = parseYaml(text.text, shownName);
  if (!parsed.ok) {
    problems.push(...parsed.problems);
    return undefined;
  }
  return checkPolicy(parsed.value, parsed.locator, [], problems);
}
