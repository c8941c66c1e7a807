import { IAM_DEFAULT_POLICIES_PER_ROLE } from "../aws/limits";
import { managedPolicyArn, partitionOf, policyName } from "../aws/policies";
import { managedPolicyData, managedPolicyPrivileged } from "../aws/privilege";
import type { DocPath, Problem } from "../common/problems";
import { didYouMean } from "../common/suggest";
import { attachedPolicyCount, type ValidMatrix } from "../model/matrix";

/** Findings that are not errors: `check --warnings` prints them and still exits 0. */
export function checkWarnings(valid: ValidMatrix, assigned: ReadonlySet<string>): Problem[] {
  const { matrix, locator } = valid;
  const out: Problem[] = [];
  const warn = (p: DocPath, message: string) => out.push(locator.problem(p, `warning: ${message}`, "key"));
  const partition = partitionOf(matrix.identityCenter.region);
  for (const [name, set] of Object.entries(matrix.permissionSets ?? {})) {
    const count = attachedPolicyCount(set);
    if (count > IAM_DEFAULT_POLICIES_PER_ROLE) {
      warn(
        ["permissionSets", name],
        `${count} managed and customer managed policies; IAM allows ${IAM_DEFAULT_POLICIES_PER_ROLE} per role unless the quota is raised in every account the set is assigned to`,
      );
    }
    if (!assigned.has(name)) warn(["permissionSets", name], `permission set "${name}" is assigned nowhere; assign it or remove it`);
    const boundary = set.permissionsBoundary?.managedPolicy;
    const refs: [string, DocPath][] = (set.managedPolicies ?? []).map((ref, i) => [ref, ["permissionSets", name, "managedPolicies", i]]);
    if (boundary !== undefined) refs.push([boundary, ["permissionSets", name, "permissionsBoundary", "managedPolicy"]]);
    for (const [ref, p] of refs) {
      const message = unknownManagedPolicy(ref, partition);
      if (message) out.push(locator.problem(p, `warning: ${message}`));
    }
  }
  const members = new Set<string>();
  for (const group of Object.values(matrix.groups ?? {})) for (const m of group.members ?? []) members.add(m);
  for (const [name, user] of Object.entries(matrix.users ?? {})) if (user.groups?.length) members.add(name);
  const principals = new Set((matrix.assignments ?? []).map((a) => a.group ?? `user:${a.user}`));
  const namedByUsers = new Set(Object.values(matrix.users ?? {}).flatMap((u) => u.groups ?? []));
  for (const [key, group] of Object.entries(matrix.groups ?? {})) {
    const hasMembers = (group.members?.length ?? 0) > 0 || namedByUsers.has(key);
    if (!group.external && !hasMembers && !principals.has(key)) warn(["groups", key], `group "${key}" has no members and no assignments; fill it or remove it`);
  }
  for (const [name, user] of Object.entries(matrix.users ?? {})) {
    if (!user.external && !members.has(name)) warn(["users", name], `user "${name}" is in no group; access by group membership is easier to review`);
  }
  (matrix.guardrails?.privileged?.groups ?? []).forEach((group, i) => {
    if (Object.entries(matrix.groups ?? {}).some(([key, g]) => g.external && (key === group || g.displayName === group))) {
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

/**
 * An AWS managed policy the data does not know (`npm run managed-policies`): a typo, or a policy AWS published after
 * the data was built. Not an error, since the second is attached as written; but its privilege is unknown here.
 */
function unknownManagedPolicy(ref: string, partition: string): string | undefined {
  const arn = managedPolicyArn(ref, partition);
  if (managedPolicyPrivileged(arn) !== undefined) return undefined;
  const known = Object.keys(managedPolicyData().policies);
  const nameOf = (p: string) => p.split("/").pop()!;
  // How access.yaml writes each known policy: its name, or path/name where the name alone would not reach it.
  const written = known.map((p) => (managedPolicyArn(nameOf(p), partition) === managedPolicyArn(p, partition) ? nameOf(p) : p));
  const elsewhere = known.find((p) => nameOf(p) === nameOf(policyName(arn)));
  const hint = elsewhere !== undefined ? `; did you mean "${elsewhere}"?` : didYouMean(ref.startsWith("arn:") ? policyName(arn) : ref, written);
  return (
    `unknown AWS managed policy "${ref}"${hint} If AWS published it after this version of sso-access, whether it is privileged ` +
    `is unknown here: name the set in guardrails.privileged.permissionSets if it grants much`
  );
}
