import { didYouMean } from "../common/suggest";
import { accountByRef, isInactive, reachedAccounts } from "../model/accounts";
import type { Assignment } from "../model/matrix";
import { AssignmentSchema } from "../validate/schema";
import { isMap, itemsOf, usable, written, type Document } from "./document";
import { targetChecks } from "./targets";

/** Assignments: one principal that exists, known permission sets, a target, names that resolve, and some account reached. */
export function checkAssignments(doc: Document): void {
  const { groups, users, permissionSets } = doc;
  const checkTargets = targetChecks(doc);
  itemsOf(doc.raw.assignments).forEach((entry, i) => {
    const parsed = doc.parsedAssignments?.[i];
    const entryUsable = parsed ? { value: parsed, intact: true } : usable(entry, AssignmentSchema);
    if (!entryUsable) return;
    const a: Assignment = entryUsable.value;
    const asWritten = entry as Record<string, unknown>;
    const before = doc.problems.length;
    const base = ["assignments", i];
    if ((a.group === undefined) === (a.user === undefined)) {
      doc.at(base, "an assignment names exactly one principal: group: or user:");
    } else if (a.group !== undefined && !groups.has(a.group)) {
      doc.at([...base, "group"], `unknown group "${a.group}"${didYouMean(a.group, groups.keys)}`);
    } else if (a.user !== undefined && !users.has(a.user)) {
      doc.at([...base, "user"], `unknown user "${a.user}"${didYouMean(a.user, users.keys)}`);
    }
    a.permissionSets.forEach((ps, j) => {
      if (!permissionSets.has(ps)) doc.at([...base, "permissionSets", j], `unknown permission set "${ps}"${didYouMean(ps, permissionSets.keys)}`);
    });
    if (!["accounts", "ous", "tags", "allAccounts"].some((k) => written(asWritten[k]))) {
      doc.at(base, "an assignment needs a target: accounts, ous, tags or allAccounts: true");
    }
    checkTargets(asWritten, base);
    if (!a.includeInactive) {
      itemsOf(asWritten.accounts).forEach((ref, j) => {
        const account = typeof ref === "string" ? accountByRef(doc.inventory, ref) : undefined;
        if (account && isInactive(account)) {
          doc.at(
            [...base, "accounts", j],
            `account "${account.name}" is ${account.status}: Identity Center cannot create assignments there; remove it, or set includeInactive: true on this entry to keep it`,
          );
        }
      });
    }
    checkTargets(isMap(asWritten.exclude) ? asWritten.exclude : {}, [...base, "exclude"]);
    // Every name resolves: then an entry that reaches no account is a mistake (a selector that only matches the
    // management account, tags no single account has together, or exclusions that remove every target).
    if (entryUsable.intact && doc.problems.length === before && reachedAccounts(a, doc.inventory).length === 0) {
      doc.at(
        base,
        "this assignment reaches no account (OU, tag and all-account targets skip the management account and accounts that are not ACTIVE; name the management account in accounts to include it); fix its targets or remove it",
      );
    }
  });
}
