import type { z } from "zod";
import type { Locator } from "../read/yaml";
import type {
  AccountSchema,
  AccountSelectorSchema,
  AssignmentSchema,
  GroupSchema,
  GuardrailsSchema,
  MatrixSchema,
  PermissionSetSchema,
  UserSchema,
} from "../validate/schema";

/** The types of a validated access matrix: what every stage after validation reads. */

export type Matrix = z.infer<typeof MatrixSchema>;
export type Account = z.infer<typeof AccountSchema>;
export type PermissionSet = z.infer<typeof PermissionSetSchema>;
export type Group = z.infer<typeof GroupSchema>;
export type User = z.infer<typeof UserSchema>;
export type Assignment = z.infer<typeof AssignmentSchema>;
export type TagSelector = NonNullable<Assignment["tags"]>;
export type AccountSelector = z.infer<typeof AccountSelectorSchema>;
export type Guardrails = z.infer<typeof GuardrailsSchema>;

/** An access matrix that passed every check. */
export interface ValidMatrix {
  /** The file as shown in messages. */
  readonly file: string;
  readonly matrix: Matrix;
  /** Compact JSON of each permission set's inline policy (from inlinePolicy or inlinePolicyFile), by set name. */
  readonly inlinePolicies: ReadonlyMap<string, string>;
  /** Source positions, for tools that point back into the file. */
  readonly locator: Locator;
}

/** Managed plus customer managed policies attached to a set: what Identity Center's and IAM's per-set limits count. */
export const attachedPolicyCount = (set: PermissionSet): number => (set.managedPolicies?.length ?? 0) + (set.customerManagedPolicies?.length ?? 0);
