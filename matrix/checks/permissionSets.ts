import * as path from "node:path";
import { iamActionsOf, iamServices, matchingActions } from "../aws/iamActions";
import { MAX_ATTACHED_POLICIES } from "../aws/limits";
import { managedPolicyArn } from "../aws/policies";
import type { DocPath, Problem } from "../common/problems";
import { didYouMean } from "../common/suggest";
import { attachedPolicyCount, type PermissionSet } from "../model/matrix";
import type { SiblingFiles } from "../read/source";
import { parseYaml, type Locator } from "../read/yaml";
import { PolicyDocumentSchema, inlinePolicyJson } from "../validate/policyDocument";
import { zodProblems } from "../validate/zodProblems";
import type { Document } from "./document";
import { checkSessionDuration } from "./sessions";

/**
 * Permission sets: session range, policy counts and duplicates, partitions of policy ARNs, the boundary, and the
 * inline policy (written inline or in a policy file) as an IAM identity policy. Returns the compact JSON of every
 * valid inline policy, by set name: what the expansion declares.
 */
export function checkPermissionSets(doc: Document): Map<string, string> {
  const inlinePolicies = new Map<string, string>();
  for (const [name, set] of doc.permissionSets.valid) {
    const base = ["permissionSets", name];
    if (set.existing) {
      // Looked up, never changed: a field here would be a promise the program does not keep.
      for (const field of Object.keys(set).filter((f) => f !== "existing"))
        doc.at(
          [...base, field],
          `permission set "${name}" is existing: it is not managed here, so ${field} cannot be set; remove it, or remove existing to manage the set`,
          "key",
        );
      continue;
    }
    if (set.sessionDuration !== undefined) checkSessionDuration(doc, set.sessionDuration, [...base, "sessionDuration"]);
    checkPolicies(doc, base, set);
    const boundary = set.permissionsBoundary;
    if (boundary && (boundary.managedPolicy === undefined) === (boundary.customerManagedPolicy === undefined)) {
      doc.at([...base, "permissionsBoundary"], "a permissions boundary is exactly one of managedPolicy or customerManagedPolicy");
    }
    let json: string | undefined;
    if (set.inlinePolicy !== undefined && set.inlinePolicyFile !== undefined) {
      doc.at([...base, "inlinePolicyFile"], "a permission set has one inline policy: write inlinePolicy or inlinePolicyFile, not both");
    } else if (set.inlinePolicy !== undefined) {
      json = checkPolicy(set.inlinePolicy, doc.locator, [...base, "inlinePolicy"], doc.problems);
    } else if (set.inlinePolicyFile !== undefined) {
      json = checkPolicyFile(set.inlinePolicyFile, doc.files, doc.locator, [...base, "inlinePolicyFile"], doc.problems);
    }
    if (json !== undefined) inlinePolicies.set(name, json);
  }
  return inlinePolicies;
}

/** Managed and customer managed policies: how many, each once, managed ones in the partition of the region. */
function checkPolicies(doc: Document, base: DocPath, set: PermissionSet): void {
  const managed = set.managedPolicies ?? [];
  const count = attachedPolicyCount(set);
  if (count > MAX_ATTACHED_POLICIES) {
    doc.at(
      base,
      `${count} managed and customer managed policies are attached; Identity Center allows at most ${MAX_ATTACHED_POLICIES} per permission set`,
      "key",
    );
  }
  const arns = managed.map((policy) => managedPolicyArn(policy, doc.partition));
  arns.forEach((arn, i) => {
    if (arns.indexOf(arn) !== i) doc.at([...base, "managedPolicies", i], `${managed[i]} is listed twice (as ${arn}); list it once`);
    else if (!arn.startsWith(`arn:${doc.partition}:`))
      doc.at([...base, "managedPolicies", i], `${arn} is not in partition ${doc.partition} of region ${doc.region}; write the policy by name`);
  });
  // IAM does not tell policy names apart by case (https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreatePolicy.html,
  // PolicyName): /team/Ops and /team/ops are one policy.
  const customer = (set.customerManagedPolicies ?? []).map((p) => `${p.path ?? "/"}${p.name}`);
  const same = (set.customerManagedPolicies ?? []).map((p) => `${p.path ?? "/"}${p.name.toLowerCase()}`);
  customer.forEach((policy, i) => {
    const first = same.indexOf(same[i]);
    if (first === i) return;
    const as = customer[first] === policy ? "" : ` (as ${customer[first]}: IAM policy names ignore case)`;
    doc.at([...base, "customerManagedPolicies", i], `customer managed policy ${policy} is listed twice${as}; list it once`);
  });
}

/** Validates an inline policy document at `p` of the matrix; returns its compact JSON when valid. */
function checkPolicy(document: unknown, locator: Locator, p: DocPath, problems: Problem[]): string | undefined {
  const changed = changedNumbers(document, locator, p);
  problems.push(...changed);
  const parsed = PolicyDocumentSchema.safeParse(document, { reportInput: true });
  if (!parsed.success) problems.push(...zodProblems(parsed.error.issues, locator, p, PolicyDocumentSchema, document));
  if (changed.length || !parsed.success) return undefined;
  const unknown = unknownActions(parsed.data, locator, p);
  if (unknown.length) {
    problems.push(...unknown);
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

/**
 * Numbers YAML (or JSON) would send to AWS as something else than was written: `012345678901` becomes 12345678901
 * (a Deny on that account id never matches), `12345678901234567890` loses digits past 2^53, `1.0`, `1e3` and `0x10`
 * change their text. Each is refused where it is written, with the quoted form that keeps it as written.
 */
function changedNumbers(value: unknown, locator: Locator, p: DocPath): Problem[] {
  if (typeof value === "number") {
    const raw = locator.raw(p);
    if (raw === undefined || raw === String(value)) return [];
    const reads =
      Number.isSafeInteger(value) || !Number.isInteger(value) ? `the number ${String(value)}` : `${String(value)}, a number past 2^53 that has lost digits`;
    return [locator.problem(p, `${raw} is read as ${reads}, which is what AWS would get; quote it to keep it as written: "${raw}"`)];
  }
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([k, v]) => changedNumbers(v, locator, [...p, Array.isArray(value) ? Number(k) : k]));
}

/**
 * Actions IAM does not have (`s3:GetObjet`, `s4:GetObject`), each located, with the nearest real one: a misspelt
 * action in an Allow grants nothing, and in a Deny forbids nothing, silently.
 */
function unknownActions(document: { Statement: unknown }, locator: Locator, p: DocPath): Problem[] {
  const listed = (value: unknown, at: DocPath): [string, DocPath][] =>
    Array.isArray(value) ? value.map((v, i): [string, DocPath] => [String(v), [...at, i]]) : value === undefined ? [] : [[String(value), at]];
  const statements = Array.isArray(document.Statement)
    ? document.Statement.map((s, i) => [s, [...p, "Statement", i]] as const)
    : [[document.Statement, [...p, "Statement"]] as const];
  const out: Problem[] = [];
  for (const [statement, at] of statements) {
    const { Action, NotAction } = statement as { Action?: unknown; NotAction?: unknown };
    for (const [action, path] of [...listed(Action, [...at, "Action"]), ...listed(NotAction, [...at, "NotAction"])]) {
      if (action === "*" || matchingActions(action).length) continue;
      const [service, name] = action.split(":");
      const services = iamServices();
      if (!/[*?]/.test(service) && !services.includes(service.toLowerCase())) {
        out.push(locator.problem(path, `"${action}" names no service of IAM, so it matches nothing${didYouMean(service, services)}`));
      } else {
        const names = /[*?]/.test(service) ? [] : iamActionsOf(service).map((a) => a.name);
        const near = didYouMean(name, names).replace(/"([^"]*)"\?$/, `"${service}:$1"?`);
        out.push(locator.problem(path, `"${action}" matches no action of ${service}, so it grants or forbids nothing${near}`));
      }
    }
  }
  return out;
}
