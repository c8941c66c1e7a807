import type { Problem } from "../common/problems";
import type { Matrix } from "../model/matrix";
import type { SiblingFiles } from "../read/source";
import type { Locator } from "../read/yaml";
import { checkAccounts } from "./accounts";
import { checkAssignments } from "./assignments";
import { documentOf } from "./document";
import { checkGroups } from "./groups";
import { checkGuardrailReferences } from "./guardrails";
import { checkNames } from "./names";
import { checkPermissionSets } from "./permissionSets";
import { checkUsers } from "./users";

/**
 * The rules that need more than one field: references between sections, uniqueness, limits, inline policies; one
 * file per section. They run on every entry that has a valid shape, even when other entries do not, so that one run
 * reports every problem.
 */

export interface CheckResult {
  readonly problems: Problem[];
  /** The compact JSON of every permission set's inline policy, by permission set name. */
  readonly inlinePolicies: ReadonlyMap<string, string>;
}

/** `parsed`: the value as the schema parsed it, when its whole shape is valid (documentOf). */
export function checkMatrix(value: unknown, locator: Locator, files: SiblingFiles, parsed?: Matrix): CheckResult {
  const doc = documentOf(value, locator, files, parsed);
  checkAccounts(doc);
  const inlinePolicies = checkPermissionSets(doc);
  checkUsers(doc);
  checkNames(doc);
  checkGroups(doc);
  checkAssignments(doc);
  checkGuardrailReferences(doc);
  return { problems: doc.problems, inlinePolicies };
}
