/**
 * What makes a permission set privileged: the one definition used by the guardrails (session limits, who may hold
 * it where), by the risk summary of `diff`, by the schema's description of `guardrails.privileged.automatic`, and by
 * `npm run managed-policies`, which judges every AWS managed policy's document with `escalation` below.
 */

import * as fs from "node:fs";
import * as path from "node:path";
import { iamActionsOf, iamServices, matchingActions, type IamAction } from "./iamActions";
import { policyName } from "./policies";

/** Services whose every write reaches access itself: IAM, the organization, IAM Identity Center and its directories. */
export const ACCESS_SERVICES = ["iam", "organizations", "sso", "sso-directory", "identitystore"] as const;

/**
 * Service-linked role actions (iam:CreateServiceLinkedRole, iam:DeleteServiceLinkedRole,
 * iam:GetServiceLinkedRoleDeletionStatus): a service-linked role's trust and permissions are fixed by AWS for its
 * service and only that service can assume it, so creating one gives the caller nothing it did not have (deleting one
 * can break its service, not widen anyone's access). Many AWS managed policies allow them only so that their service
 * can set itself up: counted as IAM writes, they made 71 more of them privileged (600 instead of 529 of 1,594, when
 * this rule was written).
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/using-service-linked-roles.html
 */
const SERVICE_LINKED_ROLE_ACTION = /ServiceLinkedRole/i;

/**
 * Actions named as reads that AWS's Service Authorization Reference nevertheless files under Permissions management
 * (quicksight:DescribeTopicPermissions, billing:GetResourcePolicy, ssm-sap:GetResourcePermission,
 * backup:ListIndexedRecoveryPointsForSearch: a few dozen of its 400-odd such actions). They show permissions; they
 * do not change who may do what. Counted, they would make ReadOnlyAccess and SecurityAudit privileged.
 */
const NAMED_AS_READ = /^(Get|Describe|List)[A-Z]/;

/**
 * Why an action is privileged, or undefined: IAM classifies it as permissions management (it changes who may do
 * what, in any service; reads aside, see above); it assumes a role (sts:AssumeRole*: from the management account,
 * every member account's OrganizationAccountAccessRole); or it writes to IAM (service-linked role actions aside,
 * see above), the organization or Identity Center.
 */
export function privilegedBecause(action: IamAction): string | undefined {
  if (action.service === "iam" && SERVICE_LINKED_ROLE_ACTION.test(action.name)) return undefined;
  if (action.accessLevel.startsWith("Permissions management") && !NAMED_AS_READ.test(action.name)) return "permissions management";
  if (action.service === "sts" && /^AssumeRo/i.test(action.name)) return "assumes roles";
  if ((ACCESS_SERVICES as readonly string[]).includes(action.service) && action.accessLevel !== "Read" && action.accessLevel !== "List") {
    return `writes to ${action.service}`;
  }
  return undefined;
}

/** What in a policy document can escalate (empty lists: nothing). */
export interface Escalation {
  /** Each Action pattern of an Allow statement, as written and once, that matches a privileged action. */
  readonly actions: readonly string[];
  /** The NotAction list of each Allow statement that leaves a privileged action allowed. */
  readonly notActions: readonly (readonly string[])[];
}

const listOf = (value: unknown): string[] => (value === undefined ? [] : Array.isArray(value) ? value.map(String) : [String(value)]);

/**
 * Judges an IAM policy document: the one judgement of inline policies and of AWS managed policies' documents.
 * Allow statements only; an Action pattern counts when it matches a privileged action, wildcards and case as IAM
 * reads them; a NotAction allows every action it does not match, and counts when any of those is privileged.
 * Deny statements, Resource and Condition are ignored: a Deny or a condition may narrow what is allowed, so this
 * over-reports rather than under-reports.
 */
export function escalation(document: unknown): Escalation {
  const raw = (document as { Statement?: unknown } | null)?.Statement;
  const statements = (Array.isArray(raw) ? raw : [raw]) as ({ Effect?: unknown; Action?: unknown; NotAction?: unknown } | undefined)[];
  const allowed = statements.filter((s) => s?.Effect === "Allow").map((s) => s!);
  const actions = [...new Set(allowed.flatMap((s) => listOf(s.Action)))];
  return {
    actions: actions.filter(matchesPrivileged),
    notActions: allowed
      .filter((s) => s.NotAction !== undefined)
      .map((s) => listOf(s.NotAction))
      .filter(leavesPrivileged),
  };
}

const patternVerdicts = new Map<string, boolean>();
let privilegedActions: readonly IamAction[] | undefined;

/** An Action pattern matches a privileged action (remembered by pattern: the AWS managed policies repeat many). */
function matchesPrivileged(pattern: string): boolean {
  let verdict = patternVerdicts.get(pattern);
  if (verdict === undefined) {
    verdict = matchingActions(pattern).some((a) => privilegedBecause(a) !== undefined);
    patternVerdicts.set(pattern, verdict);
  }
  return verdict;
}

/** A NotAction list leaves allowed at least one privileged action of IAM's. */
function leavesPrivileged(notAction: readonly string[]): boolean {
  privilegedActions ??= iamServices()
    .flatMap(iamActionsOf)
    .filter((a) => privilegedBecause(a) !== undefined);
  const excluded = new Set(notAction.flatMap(matchingActions));
  return privilegedActions.some((a) => !excluded.has(a));
}

/**
 * Every AWS managed policy known when the data was built (`npm run managed-policies`), by path and name as in its
 * ARN after `policy/` (`AdministratorAccess`, `job-function/ViewOnlyAccess`), with why it is privileged.
 */
export interface ManagedPolicyData {
  /** The packages the data was built from, with their versions. */
  readonly source: Readonly<Record<string, string>>;
  /**
   * Each policy, sorted, and what in its document escalates: allowed Action patterns as written, then
   * `NotAction: ...` lists (at most MAX_SHOWN_REASONS, then how many more). Empty: not privileged.
   */
  readonly policies: Readonly<Record<string, readonly string[]>>;
}

/** How many escalating patterns the data shows for one policy: enough to see why, short enough to review. */
export const MAX_SHOWN_REASONS = 3;

/** Where `npm run managed-policies` writes the data, and the runtime reads it. */
export const MANAGED_POLICY_DATA_FILE = path.join(__dirname, "data", "managedPolicies.json");

let managedData: ManagedPolicyData | undefined;
let shortNames: ReadonlySet<string> | undefined;

/** The AWS managed policy data, read once when first needed. */
export function managedPolicyData(): ManagedPolicyData {
  managedData ??= JSON.parse(fs.readFileSync(MANAGED_POLICY_DATA_FILE, "utf8")) as ManagedPolicyData;
  return managedData;
}

/**
 * Whether an AWS managed policy (its ARN, in any partition: the data is of the commercial one, whose policies the
 * others share by name) is privileged; undefined when the data does not know it.
 */
export function managedPolicyPrivileged(arn: string): boolean | undefined {
  const { policies } = managedPolicyData();
  const key = policyName(arn);
  return Object.hasOwn(policies, key) ? policies[key].length > 0 : undefined;
}

/**
 * Why a set's policies make it privileged: each AWS managed policy whose document is privileged, by its name
 * (`AdministratorAccess`; looked up in the data, in any partition); an inline policy that allows any action able
 * to escalate (as written, wildcards matched); an inline policy allowing everything but a NotAction that leaves one.
 * AWS managed policies missing from the data (published after it was built) and customer managed policies (they
 * live in the accounts) cannot be judged here: `check --warnings` names the first; name sets that use either in
 * guardrails.privileged.permissionSets when they grant much.
 */
export function privilegeReasons(managedPolicyArns: readonly string[], inlinePolicy: string | undefined): string[] {
  const out = managedPolicyArns.filter((arn) => managedPolicyPrivileged(arn) === true).map((arn) => policyName(arn).split("/").pop()!);
  if (inlinePolicy !== undefined) {
    const found = escalation(JSON.parse(inlinePolicy));
    out.push(...found.actions.map((action) => `an inline policy allowing ${action}`));
    if (found.notActions.length) out.push("an inline policy allowing everything but its NotAction");
  }
  return out;
}

/** Whether a privilege reason is an AWS managed policy's name (as `privilegeReasons` gives it), not another reason. */
export function isManagedPolicyReason(reason: string): boolean {
  shortNames ??= new Set(Object.keys(managedPolicyData().policies).map((p) => p.split("/").pop()!));
  return shortNames.has(reason);
}

/** What `guardrails.privileged.automatic` turns on, in the words editors show (generated from the definitions above). */
export const AUTOMATIC_PRIVILEGE_DESCRIPTION =
  `Treat as privileged every set with a policy that allows an action IAM classifies as permissions management ` +
  `(actions named Get, Describe or List aside), that assumes roles (sts:AssumeRole*), or that writes to ` +
  `${ACCESS_SERVICES.join(", ")} (service-linked role actions aside), or that allows everything but a NotAction ` +
  `leaving such an action: an AWS managed policy, judged by its document (AdministratorAccess, PowerUserAccess, ` +
  `IAMFullAccess...), or the inline policy (wildcards match as IAM reads them); default true. ` +
  `Turning it off relaxes the guardrails, never what diff reports.`;
