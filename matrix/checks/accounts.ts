import { ACCOUNT_ID } from "../aws/limits";
import type { Document } from "./document";

/** Accounts: ids unique, at most one management account, names that cannot be mistaken for ids. */
export function checkAccounts(doc: Document): void {
  const byId = new Map<string, string>();
  let management: string | undefined;
  for (const [name, account] of doc.accounts.valid) {
    if (ACCOUNT_ID.test(name) && name !== account.id) {
      doc.at(["accounts", name], `an account name that is 12 digits reads like an account id; name the account (e.g. "prod") and keep the id in id:`, "key");
    }
    if (account.ou?.split("/").includes("*")) {
      doc.at(["accounts", name, "ou"], `"*" cannot be an OU name here: in targets, "Workloads/*" means the accounts directly in Workloads`);
    }
    const other = byId.get(account.id);
    if (other !== undefined) doc.at(["accounts", name, "id"], `account id ${account.id} is already the id of account "${other}"; list each account once`);
    else byId.set(account.id, name);
    if (account.management) {
      if (management !== undefined)
        doc.at(["accounts", name, "management"], `account "${management}" is already the management account; an organization has one`);
      else management = name;
    }
  }
}
