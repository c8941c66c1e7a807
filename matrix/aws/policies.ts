/** AWS managed policies: their names, paths and ARNs in each partition. */

/**
 * AWS managed policies for job functions live under the `job-function/` path, so their ARN is not
 * `arn:aws:iam::aws:policy/<name>`. https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_job-functions.html
 */
export const JOB_FUNCTION_POLICIES: ReadonlySet<string> = new Set([
  "Billing",
  "DatabaseAdministrator",
  "DataScientist",
  "NetworkAdministrator",
  "SupportUser",
  "SystemAdministrator",
  "ViewOnlyAccess",
]);

/** A short name (`AdministratorAccess`), a name with its path (`job-function/Billing`), or a full AWS managed policy ARN. */
export const MANAGED_POLICY_REF = /^(?:arn:aws(?:-[a-z]+)*:iam::aws:policy\/)?(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,128}$/;

/** The partition an AWS region belongs to. */
export function partitionOf(region: string): string {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  if (region.startsWith("us-isob-")) return "aws-iso-b";
  if (region.startsWith("us-iso-")) return "aws-iso";
  if (region.startsWith("eu-isoe-")) return "aws-iso-e";
  return "aws";
}

/** The ARN of an AWS managed policy given by short name, path/name or ARN. An ARN is kept as written. */
export function managedPolicyArn(ref: string, partition: string): string {
  if (ref.startsWith("arn:")) return ref;
  const path = ref.includes("/") ? ref : JOB_FUNCTION_POLICIES.has(ref) ? `job-function/${ref}` : ref;
  return `arn:${partition}:iam::aws:policy/${path}`;
}

/** An ARN of an AWS managed policy, in any partition. */
export const isAwsManagedPolicyArn = (text: string): boolean => /^arn:aws(?:-[a-z]+)*:iam::aws:policy\//.test(text);

/** The name a reader knows a managed policy by: the part of its ARN after `policy/`. */
export function policyName(arn: string): string {
  return arn.slice(arn.indexOf(":policy/") + ":policy/".length);
}
