/**
 * What makes a permission set privileged: the one definition used by the guardrails (session limits, who may hold
 * it where), by the risk summary of `diff`, and by the schema's description of `guardrails.privileged.automatic`.
 */

import { matchingActions, type IamAction } from "./iamActions";

/**
 * AWS managed policies that grant administrator access, or the means to get it: over every service, over IAM, the
 * organization, or IAM Identity Center and its directory.
 */
export const PRIVILEGED_MANAGED_POLICIES = [
  "AdministratorAccess",
  "PowerUserAccess",
  "IAMFullAccess",
  "AWSOrganizationsFullAccess",
  "AWSSSOMasterAccountAdministrator",
  "AWSSSOMemberAccountAdministrator",
  "AWSSSODirectoryAdministrator",
] as const;

/** Services whose every write reaches access itself: IAM, the organization, IAM Identity Center and its directories. */
export const ACCESS_SERVICES = ["iam", "organizations", "sso", "sso-directory", "identitystore"] as const;

/**
 * Why an action is privileged, or undefined: IAM classifies it as permissions management (it changes who may do
 * what, in any service); it assumes a role (sts:AssumeRole*: from the management account, every member account's
 * OrganizationAccountAccessRole); or it writes to IAM, the organization or Identity Center.
 */
export function privilegedBecause(action: IamAction): string | undefined {
  if (action.accessLevel.startsWith("Permissions management")) return "permissions management";
  if (action.service === "sts" && /^AssumeRo/i.test(action.name)) return "assumes roles";
  if ((ACCESS_SERVICES as readonly string[]).includes(action.service) && action.accessLevel !== "Read" && action.accessLevel !== "List") {
    return `writes to ${action.service}`;
  }
  return undefined;
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
    for (const action of actions) if (matchingActions(action).some((a) => privilegedBecause(a) !== undefined)) out.push(`an inline policy allowing ${action}`);
    if (allowed.some((s) => s.NotAction !== undefined)) out.push("an inline policy allowing everything but its NotAction");
  }
  return out;
}

/** What `guardrails.privileged.automatic` turns on, in the words editors show (generated from the definitions above). */
export const AUTOMATIC_PRIVILEGE_DESCRIPTION =
  `Treat as privileged every set with ${PRIVILEGED_MANAGED_POLICIES.join(", ")}, or an inline policy that allows an action ` +
  `IAM classifies as permissions management, that assumes roles (sts:AssumeRole*), or that writes to ${ACCESS_SERVICES.join(", ")} ` +
  `(wildcards match as IAM reads them), or that allows everything but its NotAction; default true. ` +
  `Turning it off relaxes the guardrails, never what diff reports.`;
