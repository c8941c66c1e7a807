import { managedPolicyArn, partitionOf } from "../aws/policies";
import { privilegeReasons } from "../aws/privilege";
import type { Matrix } from "./matrix";

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
      rules?.automatic === false
        ? []
        : privilegeReasons(
            (set.managedPolicies ?? []).map((p) => managedPolicyArn(p, partition)),
            inlinePolicies.get(name),
          );
    if (named.has(name)) reasons.push("named in guardrails.privileged.permissionSets");
    if (reasons.length) out.set(name, reasons);
  }
  return out;
}
