import { managedPolicyArn, partitionOf } from "./policies";
import type { Matrix } from "./schema";

/**
 * What makes a permission set privileged: the one definition used by the guardrails (session limits, who may hold
 * it where) and by the risk summary of `diff`.
 */

/** AWS managed policies that grant administrator access, or the means to get it. */
export const PRIVILEGED_MANAGED_POLICIES = ["AdministratorAccess", "PowerUserAccess", "IAMFullAccess"] as const;

/** Why a set's policies make it privileged: privileged AWS managed policies, or an inline policy allowing `*` or `iam:*`. */
export function privilegeReasons(managedPolicyArns: readonly string[], inlinePolicy: string | undefined): string[] {
  const reasons = PRIVILEGED_MANAGED_POLICIES.filter((name) => managedPolicyArns.some((arn) => arn.endsWith(`:policy/${name}`)));
  const out: string[] = [...reasons];
  if (inlinePolicy !== undefined) {
    const document = JSON.parse(inlinePolicy) as { Statement: unknown };
    const statements = (Array.isArray(document.Statement) ? document.Statement : [document.Statement]) as { Effect: string; Action?: string | string[]; NotAction?: unknown }[];
    const allowed = statements.filter((s) => s.Effect === "Allow");
    const actions = allowed.flatMap((s) => (s.Action === undefined ? [] : Array.isArray(s.Action) ? s.Action : [s.Action])).map((a) => a.toLowerCase());
    if (actions.includes("*")) out.push("an inline policy allowing *");
    if (actions.includes("iam:*")) out.push("an inline policy allowing iam:*");
    if (allowed.some((s) => s.NotAction !== undefined)) out.push("an inline policy allowing everything but its NotAction");
  }
  return out;
}

/**
 * The privileged permission sets of a matrix and why: automatically by their policies (unless
 * `guardrails.privileged.automatic` is false), and every set `guardrails.privileged.permissionSets` names.
 */
export function privilegedSets(matrix: Matrix, inlinePolicies: ReadonlyMap<string, string>): Map<string, string[]> {
  const partition = partitionOf(matrix.identityCenter.region);
  const rules = matrix.guardrails?.privileged;
  const named = new Set(rules?.permissionSets ?? []);
  const out = new Map<string, string[]>();
  for (const [name, set] of Object.entries(matrix.permissionSets ?? {})) {
    const reasons =
      rules?.automatic === false ? [] : privilegeReasons((set.managedPolicies ?? []).map((p) => managedPolicyArn(p, partition)), inlinePolicies.get(name));
    if (named.has(name)) reasons.push("named in guardrails.privileged.permissionSets");
    if (reasons.length) out.set(name, reasons);
  }
  return out;
}
