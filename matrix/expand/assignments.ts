import { byText } from "../common/order";
import { reachedAccounts, type InventoryAccount } from "../model/accounts";
import type { Assignment } from "../model/matrix";
import type { AssignmentRow, PrincipalType } from "./plan";

/**
 * The effective assignments of the file. Targets are the union of `accounts`, `ous`, `tags` and `allAccounts`, less
 * `exclude`. OU, tag and all-account targets skip the management account (a delegated administrator cannot assign
 * there); naming it in `accounts` includes it. An exclusion wins over everything. The same principal, permission
 * set and account reached twice is one assignment.
 */
export function expandAssignments(entries: readonly Assignment[], inventory: readonly InventoryAccount[]): AssignmentRow[] {
  const names = new Map(inventory.map((a) => [a.id, a.name]));
  const rows = new Map<string, AssignmentRow>();
  for (const entry of entries) {
    const principalType: PrincipalType = entry.group !== undefined ? "GROUP" : "USER";
    const principalName = (entry.group ?? entry.user)!;
    for (const accountId of reachedAccounts(entry, inventory)) {
      const accountName = names.get(accountId)!;
      for (const permissionSet of entry.permissionSets) {
        rows.set(assignmentKey({ principalType, principalName, permissionSet, accountId }), {
          principalType,
          principalName,
          permissionSet,
          accountId,
          accountName,
        });
      }
    }
  }
  return [...rows.values()].sort(
    (a, b) =>
      byText(a.principalType, b.principalType) ||
      byText(a.principalName, b.principalName) ||
      byText(a.permissionSet, b.permissionSet) ||
      byText(a.accountId, b.accountId),
  );
}

/** What makes an assignment one: principal, permission set and account id (never the account's inventory name). */
export const assignmentKey = (r: Omit<AssignmentRow, "accountName">): string =>
  `${r.principalType}\u0000${r.principalName}\u0000${r.permissionSet}\u0000${r.accountId}`;
