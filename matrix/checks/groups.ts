import { didYouMean } from "../common/suggest";
import type { Document } from "./document";

/** Groups: display names unique, external groups have no members here, members exist and are listed once. */
export function checkGroups(doc: Document): void {
  const { groups, users } = doc;
  const userKeys = new Set(users.keys);
  const byDisplayName = new Map<string, string>();
  for (const [key, group] of groups.valid) {
    const displayName = group.displayName ?? key;
    const other = byDisplayName.get(displayName);
    if (other !== undefined)
      doc.at(
        ["groups", key, group.displayName ? "displayName" : ""].filter(Boolean),
        `display name "${displayName}" is already used by group "${other}"; display names are unique in the identity store`,
        group.displayName ? "value" : "key",
      );
    else byDisplayName.set(displayName, key);
    if (group.external && group.existing) {
      doc.at(
        ["groups", key, "existing"],
        `group "${key}" is either external (synced from your identity provider) or existing (made in the Identity Center directory), not both`,
        "key",
      );
    }
    if (group.existing && group.description !== undefined) {
      doc.at(["groups", key, "description"], `group "${key}" is existing: it is not managed here, so its description cannot be set; remove it`, "key");
    }
    if (group.external && group.members?.length) {
      doc.at(["groups", key, "members"], `group "${key}" is external: its members come from your identity provider; remove members or external`, "key");
      continue;
    }
    // Sets, not list searches: a group of thousands among tens of thousands of users is checked in linear time.
    const listed = new Set<string>();
    (group.members ?? []).forEach((member, i) => {
      const p = ["groups", key, "members", i];
      if (!userKeys.has(member)) doc.at(p, `unknown user "${member}"${didYouMean(member, users.keys)}`);
      else if (listed.has(member)) doc.at(p, `"${member}" is listed twice; list each member once`);
      listed.add(member);
    });
  }
}
