import { ACCOUNT_ID } from "../aws/limits";
import type { DocPath } from "../common/problems";
import { didYouMean } from "../common/suggest";
import { ROOT_OU, ouTarget, ouTargets, tagValues } from "../model/accounts";
import { isMap, itemsOf, type Document, type Raw } from "./document";

/**
 * Checks that every account, OU and tag a selector names exists in the inventory. The selector is read as written,
 * item by item, so that one malformed item (reported by the schema pass) does not hide the names beside it.
 */
export function targetChecks(doc: Document): (selector: Raw, path: DocPath) => void {
  const ids = new Set(doc.inventory.map((a) => a.id));
  const accountRefs = [...doc.accounts.keys, ...ids];
  const ous = ouTargets(doc.inventory);
  const tags = tagValues(doc.inventory);
  const accounts = (names: unknown, p: DocPath) =>
    itemsOf(names).forEach((ref, i) => {
      if (typeof ref === "string" && !doc.accounts.has(ref) && !ids.has(ref)) {
        const hint = ACCOUNT_ID.test(ref) ? "; add it to accounts first" : didYouMean(ref, accountRefs);
        doc.at([...p, i], `unknown account "${ref}"${hint}`);
      }
    });
  const directly = new Set(doc.inventory.map((a) => a.ou ?? ""));
  const ouList = (list: unknown, p: DocPath) =>
    itemsOf(list).forEach((ref, i) => {
      if (typeof ref !== "string") return;
      const { path, direct } = ouTarget(ref);
      if (path === "" && !direct) {
        const excluding = p.includes("exclude");
        doc.at(
          [...p, i],
          excluding
            ? `"${ref}" is the organization's root: excluding it leaves no account; remove the assignment instead`
            : `"${ref}" is the organization's root: to choose every account, write allAccounts: true instead of ous`,
        );
      } else if (direct ? !directly.has(path) : !ous.has(path)) {
        const shown = path || ROOT_OU;
        const why =
          direct && ous.has(path)
            ? `no account is directly in OU "${shown}" (its accounts are in OUs below it: write "${shown}" to choose them all)`
            : `no account is in OU "${shown}"${didYouMean(path, ous)}`;
        doc.at([...p, i], why);
      }
    });
  const tagSelector = (selector: unknown, p: DocPath) => {
    for (const [k, v] of Object.entries(isMap(selector) ? selector : {})) {
      const values = tags.get(k);
      if (!values) {
        doc.at([...p, k], `no account has the tag "${k}"${didYouMean(k, tags.keys())}`, "key");
        continue;
      }
      (Array.isArray(v) ? v : [v]).forEach((value: unknown, i) => {
        if (typeof value === "string" && !values.has(value))
          doc.at(Array.isArray(v) ? [...p, k, i] : [...p, k], `no account has ${k}: ${value}${didYouMean(value, values)}`);
      });
    }
  };
  return (selector, p) => {
    accounts(selector.accounts, [...p, "accounts"]);
    ouList(selector.ous, [...p, "ous"]);
    tagSelector(selector.tags, [...p, "tags"]);
  };
}
