import * as aws from "@pulumi/aws";
import { mapLimited } from "../matrix/common/concurrency";
import type { OrganizationFacts } from "../matrix/live/drift";

/**
 * What AWS Organizations says of the accounts, read through the provider's data sources at deployment (the offline
 * commands never read it): the accounts with their state and OU path, from the root down, and the tags of the
 * accounts the file lists (one read each, at most `limit` at a time within Identity Center's shared throttle).
 * Calls: one for the organization, two per OU (its OUs and its accounts), one per listed account.
 */
export async function organizationFacts(listed: readonly string[], provider: aws.Provider, limit = 8): Promise<OrganizationFacts & { calls: number }> {
  // The program's own provider: its region and its adaptive retries, not whatever a default provider would find.
  const opts = { provider };
  let calls = 1;
  const organization = await aws.organizations.getOrganization({}, opts);
  const accounts: OrganizationFacts["accounts"][number][] = [];
  let level = organization.roots.map((r) => ({ id: r.id, path: [] as string[] }));
  while (level.length) {
    const found = await mapLimited(level, limit, async (parent) => {
      const [ous, direct] = await Promise.all([
        aws.organizations.getOrganizationalUnits({ parentId: parent.id }, opts),
        aws.organizations.getOrganizationalUnitChildAccounts({ parentId: parent.id }, opts),
      ]);
      calls += 2;
      for (const a of direct.accounts)
        accounts.push({
          Id: a.id,
          Name: a.name,
          Status: (a.state || a.status || "ACTIVE") as OrganizationFacts["accounts"][number]["Status"],
          Path: parent.path,
        });
      return ous.children.map((ou) => ({ id: ou.id, path: [...parent.path, ou.name] }));
    });
    level = found.flat();
  }
  const ids = new Set(listed);
  await mapLimited(
    accounts.filter((a) => ids.has(a.Id)),
    limit,
    async (account) => {
      const { tags } = await aws.organizations.getResourceTags({ resourceId: account.Id }, opts);
      calls++;
      (account as { Tags?: unknown }).Tags = Object.entries(tags ?? {}).map(([Key, Value]) => ({ Key, Value }));
    },
  );
  return { managementAccountId: organization.masterAccountId, accounts, calls };
}
