import { TAG_KEY, TAG_VALUE_MAX } from "../aws/limits";
import { byText } from "../common/order";
import { accountLabel } from "../model/accounts";
import type { Account } from "../model/matrix";
import { OU_PATH } from "../validate/schema";
import type { Snapshot } from "./snapshot";

/**
 * An account of AWS Organizations in the file's terms: its OU path, tags, management flag and status as `accounts:`
 * writes them, and what of it the file cannot hold (an OU path or a tag the format refuses), each with the reason.
 * adopt and inventory both write accounts through this.
 */
export type AccountFacts = Pick<Account, "ou" | "tags" | "management" | "status">;

export function accountFactsOf(
  a: Snapshot["accounts"][number],
  managementId: string | undefined,
): { facts: AccountFacts; unwritable: { what: string; why: string }[] } {
  const unwritable: { what: string; why: string }[] = [];
  const tags = Object.fromEntries(
    (a.Tags ?? [])
      .filter((t) => {
        const ok = TAG_KEY.test(t.Key) && t.Value.length <= TAG_VALUE_MAX;
        if (!ok) {
          unwritable.push({
            what: `tag ${JSON.stringify(t.Key)} of account ${accountLabel(a.Name, a.Id)}`,
            why: "the access file cannot hold this tag key or value; tag targets do not use it",
          });
        }
        return ok;
      })
      .map((t) => [t.Key, t.Value])
      .sort((x, y) => byText(x[0], y[0])),
  );
  const ou = a.Path?.join("/") ?? "";
  // An OU path the format cannot hold, or one that would read as the console's Root/... spelling of another path.
  const writable = ou === "" || (OU_PATH.test(ou) && a.Path![0] !== "Root" && !a.Path!.includes("*"));
  if (!writable) {
    unwritable.push({
      what: `the OU path of account ${accountLabel(a.Name, a.Id)}`,
      why: `${JSON.stringify(ou)} cannot be written as an OU path; OU targets do not use it`,
    });
  }
  return {
    facts: {
      ...(ou && writable ? { ou } : {}),
      ...(Object.keys(tags).length ? { tags } : {}),
      ...(a.Id === managementId ? { management: true } : {}),
      ...(a.Status && a.Status !== "ACTIVE" ? { status: a.Status as Account["status"] } : {}),
    },
    unwritable,
  };
}
