import { z } from "zod";
import {
  MAX_ACCESS_CONTROL_ATTRIBUTES,
  ACCOUNT_ID,
  DEFAULT_SESSION_DURATION,
  IDENTITY_TEXT_MAX,
  PERMISSION_SET_DESCRIPTION_MAX,
  PERMISSION_SET_NAME,
  POLICY_NAME,
  POLICY_PATH,
  REGION,
  RELAY_STATE_MAX,
  SESSION_DURATION,
  TAG_KEY,
  TAG_VALUE_MAX,
  USER_NAME,
} from "../aws/limits";
import { MANAGED_POLICY_REF } from "../aws/policies";
import { AUTOMATIC_PRIVILEGE_DESCRIPTION } from "../aws/privilege";

/**
 * The access matrix, version 1: the shape of access.yaml.
 *
 * Structure only. Rules that need the whole document (references between sections, uniqueness, limits across
 * fields) live in checks/, so that every problem is reported in one run. No transforms here: the same schema
 * generates access.schema.json for editors.
 */

/** A field's description (editors show it) and its title: how editors and `diff` name it. */
const described = <T extends z.ZodType>(schema: T, description: string | undefined, title?: string): T =>
  schema.meta({ ...(title !== undefined ? { title } : {}), ...(description !== undefined ? { description } : {}) });

export const ACCOUNT_KEY = /^[A-Za-z0-9][\w.+@-]{0,63}$/;
export const GROUP_KEY = /^[\w+=,.@-]{1,128}$/;
/** An account's states in AWS Organizations that the inventory can record (a closed account leaves it). */
export const ACCOUNT_STATUSES = ["ACTIVE", "SUSPENDED", "PENDING_CLOSURE"] as const;
export const OU_PATH = /^[^/\s](?:[^/]*[^/\s])?(?:\/[^/\s](?:[^/]*[^/\s])?)*$/;

const text = (max: number, what: string) => z.string().min(1, `${what} must not be empty`).max(max, `${what} must be at most ${max} characters`);

const tags = described(
  z.record(
    z.string().regex(TAG_KEY, "a tag key must be 1-128 letters, digits, spaces or _.:/=+-@"),
    z.string().max(TAG_VALUE_MAX, `a tag value must be at most ${TAG_VALUE_MAX} characters`),
  ),
  "Tags: key to value.",
  "tags",
);

const customerManagedPolicy = z.strictObject({
  name: described(
    z.string().regex(POLICY_NAME, "a policy name is 1-128 characters of letters, digits and +=,.@_-"),
    "Name of the IAM policy that exists in every target account.",
  ),
  path: described(z.string().regex(POLICY_PATH, 'a policy path starts and ends with "/", e.g. "/" or "/team/"'), 'Path of the policy; default "/".').optional(),
});

export const AccountSchema = z.strictObject({
  id: described(
    z.string().regex(ACCOUNT_ID, "an account id is exactly 12 digits, quoted"),
    'The 12-digit AWS account id, quoted: id: "012345678901".',
    "account id",
  ),
  ou: described(
    z.string().regex(OU_PATH, 'an OU path is OU names joined by "/", e.g. "Workloads/Prod"'),
    'Organizational unit path below the root, e.g. "Workloads/Prod" (the console\'s "Root/Workloads/Prod" reads the same).',
    "OU",
  ).optional(),
  tags: tags.optional(),
  management: described(z.boolean(), "Marks the organization's management account: OU, tag and all-account targets skip it.", "management account").optional(),
  status: described(
    z.enum(ACCOUNT_STATUSES, {
      error: (issue) =>
        issue.input === "CLOSED"
          ? "a CLOSED account has left the organization and can hold no access: remove it from accounts"
          : `an account's status is one of ${ACCOUNT_STATUSES.join(", ")}`,
    }),
    "The account's state in AWS Organizations; default ACTIVE. OU, tag and all-account targets skip accounts that are not ACTIVE, and naming one in accounts needs includeInactive: true.",
    "status",
  ).optional(),
  description: described(text(256, "description"), undefined, "description").optional(),
});

export const PermissionSetSchema = z.strictObject({
  description: described(text(PERMISSION_SET_DESCRIPTION_MAX, "description"), "Shown in the AWS access portal.", "description").optional(),
  sessionDuration: described(
    z.string().regex(SESSION_DURATION, 'a session duration is ISO-8601, e.g. "PT8H" or "PT1H30M"'),
    `ISO-8601 duration from PT1H to PT12H; default ${DEFAULT_SESSION_DURATION}.`,
    "session duration",
  ).optional(),
  relayState: described(text(RELAY_STATE_MAX, "relayState"), "URL the console opens after sign-in.", "relay state").optional(),
  managedPolicies: described(
    z.array(z.string().regex(MANAGED_POLICY_REF, "an AWS managed policy is a name such as AdministratorAccess, or its ARN")),
    "AWS managed policies by name (AdministratorAccess, ViewOnlyAccess) or ARN.",
    "managed policies",
  ).optional(),
  customerManagedPolicies: described(
    z.array(customerManagedPolicy),
    "Customer managed policies by name and path; each must exist in every account the set is assigned to.",
    "customer managed policies",
  ).optional(),
  inlinePolicy: described(z.record(z.string(), z.unknown()), "An IAM policy document written in YAML.", "inline policy").optional(),
  inlinePolicyFile: described(z.string().min(1), "Path, relative to access.yaml, of a JSON IAM policy document.", "inline policy file").optional(),
  permissionsBoundary: described(
    z.strictObject({
      managedPolicy: z.string().regex(MANAGED_POLICY_REF, "an AWS managed policy is a name such as PowerUserAccess, or its ARN").optional(),
      customerManagedPolicy: customerManagedPolicy.optional(),
    }),
    "Exactly one of managedPolicy or customerManagedPolicy.",
    "permissions boundary",
  ).optional(),
  tags: tags.optional(),
  existing: described(
    z.boolean(),
    "Exists in Identity Center and is not managed here (Control Tower's AWSAdministratorAccess): looked up by name, assigned, never changed or deleted.",
    "existing",
  ).optional(),
});

export const GroupSchema = z.strictObject({
  displayName: described(text(IDENTITY_TEXT_MAX, "displayName"), "Display name in the identity store; default the group's key.", "display name").optional(),
  description: described(text(IDENTITY_TEXT_MAX, "description"), undefined, "description").optional(),
  members: described(z.array(z.string()), "User names of the members.", "members").optional(),
  external: described(
    z.boolean(),
    "Provisioned by an external identity provider (SCIM): looked up by display name, never created or deleted.",
    "external",
  ).optional(),
  existing: described(
    z.boolean(),
    "Exists in the Identity Center directory and is not managed here (Control Tower's AWSControlTowerAdmins): looked up by display name, never created, changed or deleted; the members listed here are added to it.",
    "existing",
  ).optional(),
});

export const UserSchema = z.strictObject({
  displayName: described(text(IDENTITY_TEXT_MAX, "displayName"), undefined, "display name").optional(),
  givenName: described(text(IDENTITY_TEXT_MAX, "givenName"), undefined, "given name").optional(),
  familyName: described(text(IDENTITY_TEXT_MAX, "familyName"), undefined, "family name").optional(),
  email: described(z.email("email must be an email address, e.g. jane@example.com"), "The user's one email address.", "email").optional(),
  groups: described(z.array(z.string()), "Groups the user is a member of (merged with the groups' members lists).", "groups").optional(),
  external: described(
    z.boolean(),
    "Provisioned by an external identity provider (SCIM): looked up by user name, never created or deleted.",
    "external",
  ).optional(),
});

const nameList = z.array(z.string());
const tagSelector = described(
  z.record(z.string(), z.union([z.string(), z.array(z.string()).min(1)])),
  "Accounts whose tags all match: key to value, or to a list of accepted values.",
);

export const AssignmentSchema = z.strictObject({
  group: described(z.string(), "The group to assign (a key of groups).").optional(),
  user: described(z.string(), "The user to assign directly (a key of users).").optional(),
  permissionSets: described(z.array(z.string()).min(1, "list at least one permission set"), "Permission sets to assign."),
  accounts: described(nameList, "Accounts by inventory name or 12-digit id.").optional(),
  ous: described(nameList, 'OU paths: every account at or below each ("Workloads"); "Workloads/*": only the accounts directly in it.').optional(),
  tags: tagSelector.optional(),
  allAccounts: described(z.boolean(), "Every account in the inventory.").optional(),
  exclude: z
    .strictObject({
      accounts: nameList.optional(),
      ous: nameList.optional(),
      tags: tagSelector.optional(),
    })
    .optional(),
  includeInactive: described(
    z.boolean(),
    "Keep the accounts this entry names in accounts even when their status is not ACTIVE (Identity Center cannot create assignments there).",
  ).optional(),
  description: text(IDENTITY_TEXT_MAX, "description").optional(),
});

const duration = (what: string) => described(z.string().regex(SESSION_DURATION, 'a session duration is ISO-8601, e.g. "PT8H" or "PT1H30M"'), what);

/** Accounts chosen the way assignments choose them; an empty selector chooses every account. */
export const AccountSelectorSchema = z.strictObject({
  accounts: described(nameList, "Accounts by inventory name or 12-digit id.").optional(),
  ous: described(nameList, 'OU paths: every account at or below each ("Workloads"); "Workloads/*": only the accounts directly in it.').optional(),
  tags: tagSelector.optional(),
  allAccounts: described(z.boolean(), "Every account in the inventory, the management account included.").optional(),
});

export const GuardrailsSchema = z.strictObject({
  maxSessionDuration: duration("The longest session any permission set may have.").optional(),
  requireDescriptions: described(z.boolean(), "Every permission set and every group created here has a description.").optional(),
  forbidUserAssignments: described(z.boolean(), "Assign groups only: no assignment may name a user.").optional(),
  privileged: described(
    z.strictObject({
      automatic: described(z.boolean(), AUTOMATIC_PRIVILEGE_DESCRIPTION).optional(),
      permissionSets: described(nameList, "Further permission sets to treat as privileged.").optional(),
      maxSessionDuration: duration("The longest session a privileged permission set may have.").optional(),
      accounts: described(
        AccountSelectorSchema,
        "Accounts where only `groups` may hold a privileged set (never a user directly); default every account.",
      ).optional(),
      groups: described(nameList, "The only groups that may hold a privileged set in `accounts`.").optional(),
    }),
    "Rules for privileged permission sets.",
  ).optional(),
});

export const IdentityCenterSchema = z.strictObject({
  startUrl: described(
    z.url({ protocol: /^https$/, error: "startUrl must be the https URL of the AWS access portal, e.g. https://acme.awsapps.com/start" }),
    "AWS access portal URL.",
    "start URL",
  ),
  region: described(z.string().regex(REGION, "region must be an AWS region such as us-east-1"), "Home region of the Identity Center instance.", "region"),
  accessControlAttributes: described(
    z
      .record(
        z.string().regex(TAG_KEY, "an attribute key must be 1-128 letters, digits, spaces or _.:/=+-@"),
        z.string().min(1, "name the attribute's source, e.g. ${path:enterprise.costCenter}").max(256, "an attribute's source is at most 256 characters"),
      )
      .refine((attributes) => Object.keys(attributes).length <= MAX_ACCESS_CONTROL_ATTRIBUTES, {
        error: `Identity Center takes at most ${MAX_ACCESS_CONTROL_ATTRIBUTES} attributes for access control`,
      }),
    "Attributes for access control (ABAC): the key IAM policies read as aws:PrincipalTag/<key>, to the attribute of the identity source, e.g. CostCenter: ${path:enterprise.costCenter}.",
    "attributes for access control",
  ).optional(),
});

export const MatrixSchema = z
  .strictObject({
    version: described(z.literal(1, { error: "version must be 1" }), "Format version of this file."),
    identityCenter: IdentityCenterSchema,
    accounts: described(
      z.record(z.string().regex(ACCOUNT_KEY, "an account name is 1-64 letters, digits or _.+@- and starts with a letter or digit"), AccountSchema),
      "Account inventory: name to account.",
    ),
    permissionSets: described(
      z.record(z.string().regex(PERMISSION_SET_NAME, "a permission set name is 1-32 letters, digits or +=,.@_-"), PermissionSetSchema),
      "Permission sets by name.",
    ).optional(),
    groups: described(
      z.record(
        z.string().regex(GROUP_KEY, {
          // A key with spaces is most often the name people see: that goes in displayName, under a key that can be a key.
          error: (issue) => {
            const key = typeof issue.input === "string" ? issue.input : "";
            const suggested = key
              .replace(/[^\w+=,.@-]+/g, "-")
              .replace(/^-+|-+$/g, "")
              .slice(0, 128);
            return suggested && /\s/.test(key)
              ? `a group key is 1-128 letters, digits or +=,.@_-; write the name with spaces as displayName under a key such as "${suggested}"`
              : "a group key is 1-128 letters, digits or +=,.@_-";
          },
        }),
        GroupSchema,
      ),
      "Groups by key.",
    ).optional(),
    users: described(z.record(z.string().regex(USER_NAME, "a user name is 1-128 characters with no whitespace"), UserSchema), "Users by user name.").optional(),
    assignments: described(z.array(AssignmentSchema), "Who gets which permission sets in which accounts.").optional(),
    guardrails: described(
      GuardrailsSchema,
      "Organization rules that every change of this file must keep; check, plan and pulumi preview enforce them.",
    ).optional(),
  })
  .meta({ title: "sso-access access matrix", description: "The access matrix of one AWS Organization (access.yaml, version 1)." });

/** The JSON Schema editors use to complete and check access.yaml (committed as access.schema.json). */
export function matrixJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(MatrixSchema, { io: "input", target: "draft-2020-12" }) as Record<string, unknown>;
}

/**
 * The label of a field (its title): what `diff` calls a change of it. Undefined for a field with no title, or a key
 * the schema does not have.
 */
export function titleOf(schema: z.ZodObject, key: string): string | undefined {
  const field = schema.shape[key] as z.ZodType | undefined;
  const inner = field instanceof z.ZodOptional ? (field.unwrap() as z.ZodType) : field;
  return inner?.meta()?.title;
}
