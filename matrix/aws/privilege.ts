/**
 * What makes a permission set privileged: the one definition used by the guardrails (session limits, who may hold
 * it where), by the risk summary of `diff`, and by the schema's description of `guardrails.privileged.automatic`.
 */

/** AWS managed policies that grant administrator access, or the means to get it. */
export const PRIVILEGED_MANAGED_POLICIES = ["AdministratorAccess", "PowerUserAccess", "IAMFullAccess"] as const;

/**
 * Actions that grant administrator access, or a way to it: changing IAM policies, roles, users or credentials,
 * passing roles, assigning Identity Center access, and acting on the organization.
 */
export const ESCALATION_ACTIONS = [
  "iam:AttachRolePolicy",
  "iam:PutRolePolicy",
  "iam:CreatePolicyVersion",
  "iam:SetDefaultPolicyVersion",
  "iam:UpdateAssumeRolePolicy",
  "iam:PassRole",
  "iam:CreateRole",
  "iam:AttachUserPolicy",
  "iam:PutUserPolicy",
  "iam:AttachGroupPolicy",
  "iam:PutGroupPolicy",
  "iam:AddUserToGroup",
  "iam:CreateUser",
  "iam:CreateAccessKey",
  "iam:CreateLoginProfile",
  "iam:UpdateLoginProfile",
  "sso:CreateAccountAssignment",
  "sso:AttachManagedPolicyToPermissionSet",
  "sso:PutInlinePolicyToPermissionSet",
  "identitystore:CreateGroupMembership",
  "organizations:AttachPolicy",
  "organizations:DetachPolicy",
  "organizations:LeaveOrganization",
] as const;

/** An action as IAM matches it: wildcards (`*`, `?`), without regard to case. */
function actionPattern(pattern: string): RegExp {
  return new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".")}$`,
    "i",
  );
}

/**
 * Why a set's policies make it privileged: privileged AWS managed policies; an inline policy that allows any
 * action able to escalate (as written, wildcards matched); an inline policy allowing everything but its NotAction.
 * Customer managed policies live in the accounts and cannot be read here: name such sets in
 * guardrails.privileged.permissionSets.
 */
export function privilegeReasons(managedPolicyArns: readonly string[], inlinePolicy: string | undefined): string[] {
  const out: string[] = PRIVILEGED_MANAGED_POLICIES.filter((name) => managedPolicyArns.some((arn) => arn.endsWith(`:policy/${name}`)));
  if (inlinePolicy !== undefined) {
    const document = JSON.parse(inlinePolicy) as { Statement: unknown };
    const statements = (Array.isArray(document.Statement) ? document.Statement : [document.Statement]) as {
      Effect: string;
      Action?: string | string[];
      NotAction?: unknown;
    }[];
    const allowed = statements.filter((s) => s.Effect === "Allow");
    const actions = [...new Set(allowed.flatMap((s) => (s.Action === undefined ? [] : Array.isArray(s.Action) ? s.Action : [s.Action])))];
    for (const action of actions) {
      const pattern = actionPattern(action);
      if (ESCALATION_ACTIONS.some((escalation) => pattern.test(escalation))) out.push(`an inline policy allowing ${action}`);
    }
    if (allowed.some((s) => s.NotAction !== undefined)) out.push("an inline policy allowing everything but its NotAction");
  }
  return out;
}

/** What `guardrails.privileged.automatic` turns on, in the words editors show (generated from the lists above). */
export const AUTOMATIC_PRIVILEGE_DESCRIPTION =
  `Treat as privileged every set with ${PRIVILEGED_MANAGED_POLICIES.join(", ")}, or an inline policy that allows any action able to ` +
  `escalate (${ESCALATION_ACTIONS.join(", ")}; wildcards match as IAM reads them) or allows everything but its NotAction; default true.`;
