import { managedPolicyArn, partitionOf } from "../aws/policies";
import { privilegeReasons } from "../aws/privilege";
import type { Matrix } from "./matrix";

/**
 * The privileged permission sets of a matrix and why: automatically by their policies, and every set
 * `guardrails.privileged.permissionSets` names. `guardrails.privileged.automatic: false` turns the automatic part off
 * for the guardrails only: a review (`use: "review"`) always names AWS's admin policies.
 */
export function privilegedSets(
  matrix: Matrix,
  inlinePolicies: ReadonlyMap<string, string>,
  use: "guardrails" | "review" = "guardrails",
): Map<string, string[]> {
  const partition = partitionOf(matrix.identityCenter.region);
  const rules = matrix.guardrails?.privileged;
  const named = new Set(rules?.permissionSets ?? []);
  const out = new Map<string, string[]>();
  for (const [name, set] of Object.entries(matrix.permissionSets ?? {})) {
    // `automatic: false` relaxes the guardrails, never what a review reports.
    const reasons =
      rules?.automatic === false && use === "guardrails"
        ? []
        : privilegeReasons(
            (set.managedPolicies ?? []).map((p) => managedPolicyArn(p, partition)),
            inlinePolicies.get(name),
          );
    // What an existing set allows is not in this file: it counts as privileged, so the guardrails hold it.
    if (set.existing) reasons.push("an existing set, not managed here: what it allows is not known offline");
    if (named.has(name)) reasons.push("named in guardrails.privileged.permissionSets");
    if (reasons.length) out.set(name, reasons);
  }
  return out;
}
