import { sortProblems, type Problem } from "../common/problems";
import { accountLabel } from "../model/accounts";
import type { ValidMatrix } from "../model/matrix";
import { inventoryDrift, type OrganizationFacts } from "./drift";

/**
 * The inventory checked against AWS Organizations before a deployment declares anything: an account the
 * organization does not have, or whose OU path, tags, management flag or status differ, is a located problem. An
 * account of the organization that the file does not list is not: the file may leave accounts out.
 */

const FIELD = { OU: "ou", tags: "tags", "management account": "management", status: "status" } as const;

export function inventoryProblems(valid: ValidMatrix, organization: OrganizationFacts): Problem[] {
  const { notInOrganization, differs } = inventoryDrift(valid, organization);
  const fix = "correct it (sso-access inventory --live does), or turn the check off for this stack with sso-access:verifyInventory false";
  const problems = [
    ...notInOrganization.map((a) =>
      valid.locator.problem(
        ["accounts", a.name, "id"],
        `account ${accountLabel(a.name, a.id)} is not in the organization: AWS Organizations lists no account with this id; ${fix}`,
      ),
    ),
    ...differs.map((d) => {
      const field = FIELD[d.fact];
      const written = (valid.matrix.accounts[d.account.name] as Record<string, unknown>)[field] !== undefined;
      return valid.locator.problem(
        written ? ["accounts", d.account.name, field] : ["accounts", d.account.name],
        `account ${accountLabel(d.account.name, d.account.id)}: ${d.fact} is ${d.file} here and ${d.organizations} in AWS Organizations; ${fix}`,
        written ? "value" : "key",
      );
    }),
  ];
  return sortProblems(problems);
}
