/**
 * The limits and defaults of AWS IAM Identity Center and IAM that access.yaml must respect, in one place, each with
 * the page that states it. The schema, the checks, the guardrails and the expansion read them from here.
 *
 * Quotas: https://docs.aws.amazon.com/singlesignon/latest/userguide/limits.html
 * Permission sets: https://docs.aws.amazon.com/singlesignon/latest/APIReference/API_CreatePermissionSet.html
 * Users and groups: https://docs.aws.amazon.com/singlesignon/latest/IdentityStoreAPIReference/API_CreateUser.html
 */

/** A permission set name: 1-32 characters of letters, digits and `+=,.@_-` (CreatePermissionSet, Name). */
export const PERMISSION_SET_NAME = /^[\w+=,.@-]{1,32}$/;
/** A permission set's description (CreatePermissionSet, Description). */
export const PERMISSION_SET_DESCRIPTION_MAX = 700;
/** A permission set's relay state URL (CreatePermissionSet, RelayState). */
export const RELAY_STATE_MAX = 240;

/** An ISO-8601 duration of hours, minutes and seconds, as SessionDuration takes it. */
export const SESSION_DURATION = /^PT(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$/;
/** The shortest and longest session a permission set may have (CreatePermissionSet, SessionDuration). */
export const MIN_SESSION_SECONDS = 3600;
export const MAX_SESSION_SECONDS = 12 * 3600;
/** The session of a permission set that names none; declared explicitly so the plan shows it. */
export const DEFAULT_SESSION_DURATION = "PT1H";

/** Seconds of an ISO-8601 session duration, or undefined when it is not one. */
export function durationSeconds(iso: string): number | undefined {
  const m = SESSION_DURATION.exec(iso);
  if (!m) return undefined;
  return Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
}

/** Managed plus customer managed policies on one permission set (quotas page). */
export const MAX_ATTACHED_POLICIES = 20;
/**
 * IAM's default quota of managed policies per role: a permission set with more needs the quota raised in every
 * account it is assigned to. https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
 */
export const IAM_DEFAULT_POLICIES_PER_ROLE = 10;

/** An inline policy as sent (PutInlinePolicyToPermissionSet, InlinePolicy), and its characters other than whitespace (quotas page). */
export const INLINE_POLICY_MAX_CHARS = 32_768;
export const INLINE_POLICY_MAX_NON_WHITESPACE = 10_240;

/** A customer managed policy name and path (IAM: https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreatePolicy.html). */
export const POLICY_NAME = /^[\w+=,.@-]{1,128}$/;
export const POLICY_PATH = /^\/(?:[\x21-\x7e]+\/)?$/;

/** An AWS account id: exactly 12 digits, leading zeros included. */
export const ACCOUNT_ID = /^\d{12}$/;

/** A user name: 1-128 characters, no whitespace (CreateUser, UserName). */
export const USER_NAME = /^\S{1,128}$/;
/** User names that Identity Center reserves (CreateUser, UserName). */
export const RESERVED_USER_NAMES: readonly string[] = ["Administrator", "AWSAdministrators"];
/** Display names, given and family names of users, and display names and descriptions of groups (CreateUser, CreateGroup). */
export const IDENTITY_TEXT_MAX = 1024;

/** A tag key and value (https://docs.aws.amazon.com/singlesignon/latest/APIReference/API_Tag.html). */
export const TAG_KEY = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u;
export const TAG_VALUE_MAX = 256;

/**
 * Attributes for access control (ABAC) an instance takes, each a key (as tag keys) and one source of at most 256
 * characters: https://docs.aws.amazon.com/singlesignon/latest/APIReference/API_InstanceAccessControlAttributeConfiguration.html
 */
export const MAX_ACCESS_CONTROL_ATTRIBUTES = 50;

/** Requests per second that Identity Center's APIs share, and assignment creations it runs at once (quotas page; not adjustable). */
export const API_REQUESTS_PER_SECOND = 20;
export const MAX_OUTSTANDING_ASSIGNMENT_CREATIONS = 10;

/** An AWS region name, e.g. us-east-1, us-gov-west-1, eu-isoe-west-1. */
export const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d+$/;
