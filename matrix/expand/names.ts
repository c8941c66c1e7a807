import type { PrincipalType } from "./plan";

/**
 * Logical names: from names and ids only (permission set name, group key, user name, account id), never from list
 * positions, the order of the file or an account's inventory name, so that reordering, renaming an inventory key or
 * editing a description replaces nothing. Changing any of these functions changes URNs: test/urns.test.ts guards them.
 */

/** The top-level component's logical name. */
export const ROOT_NAME = "access";
/** Logical name of the instance's attributes for access control: one per instance. */
export const ACCESS_CONTROL_ATTRIBUTES_NAME = "access-control-attributes";

/** The explicit AWS provider's logical name. Changing it would replace every resource. */
export const PROVIDER_NAME = "identity-center";

/** Logical name of the assignment of `permissionSet` to `principal` in account `accountId`. Permission set names and ids hold no "/", so the name is unambiguous. */
export function assignmentName(principalType: PrincipalType, principalName: string, permissionSet: string, accountId: string): string {
  return `${principalType.toLowerCase()}/${principalName}/${permissionSet}/${accountId}`;
}

/**
 * The principal (`group/<key>`, `user/<name>`, as its lookup is keyed) and the permission set of an assignment's
 * logical name. A user name may hold "/", a set name and an account id may not: the set is the part before the last.
 */
export function assignmentNameParts(name: string): { principal: string; permissionSet: string } {
  const parts = name.split("/");
  return { principal: parts.slice(0, -2).join("/"), permissionSet: parts[parts.length - 2] };
}

/** Logical name of a group membership; group keys hold no "/". */
export function membershipName(groupKey: string, userName: string): string {
  return `${groupKey}/${userName}`;
}

/** Logical name of a permission set's attachment of one kind, e.g. `Admin-managed-policies`. */
export function attachmentName(permissionSet: string, kind: string): string {
  return `${permissionSet}-${kind}`;
}
