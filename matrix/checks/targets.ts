import { ACCOUNT_ID } from "../aws/limits";
import type { DocPath } from "../common/problems";
import { didYouMean } from "../common/suggest";
import { ouTargets, tagValues } from "../model/accounts";
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
      if (typeof ref === "string" && !doc.accounts.keys.includes(ref) && !ids.has(ref)) {
        const hint = ACCOUNT_ID.test(ref) ? "; add it to accounts first" : didYouMean(ref, accountRefs);
        doc.at([...p, i], `unknown account "${ref}"${hint}`);
      }
    });
  const ouList = (list: unknown, p: DocPath) =>
    itemsOf(list).forEach((ou, i) => {
      if (typeof ou === "string" && !ous.has(ou)) doc.at([...p, i], `no account is in OU "${ou}"${didYouMean(ou, ous)}`);
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
