import type * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AccessMatrix } from "./components/accessMatrix";
import { previousDeployment } from "./components/previousDeployment";
import { expand } from "./matrix/expand/expand";
import { loadMatrixFile } from "./matrix/checks/pipeline";
import type { Plan } from "./matrix/expand/plan";
import { MatrixError } from "./matrix/common/problems";
import { checkRemovals, deployedOf, removalVerdict } from "./matrix/review/removalGuard";
import { importsFor, loadAdoptFile } from "./matrix/live/importIds";
import { inventoryProblems } from "./matrix/live/verifyInventory";
import { organizationFacts } from "./components/organization";
import { withStackHint } from "./components/stackHint";

// The program: stack config in, the access matrix validated and expanded, the removal guard, one component,
// outputs out. Nothing is declared until the file is valid and the guard lets the change through.
export = async () => {
  try {
    return await program();
  } catch (error) {
    throw withStackHint(error);
  }
};

async function program() {
  const config = new pulumi.Config();
  // Empty means unset: Pulumi.yaml declares these keys with empty defaults. removalVerdict checks the numbers.
  const setting = (key: string) => config.get(key) || undefined;
  const { plan, verifyInventory } = planOf(config.get("accessFile") || "access.yaml", setting("verifyInventory") !== "false");
  const deployed = deployedOf(plan, setting("instanceArn") ?? "", setting("identityStoreId") ?? "");
  const number = (key: string) => (setting(key) === undefined ? undefined : Number(setting(key)));
  const limits = { maxShare: number("maxRemovalShare"), maxCount: number("maxRemovals"), allow: setting("allowRemovals") };
  const previous = await previousDeployment();
  const adoption = adoptionOf(setting("adoptFile"), plan, previous !== undefined, setting("instanceArn"), setting("identityStoreId"));
  const removals = checkRemovals(previous, deployed, limits);
  const stop = removalVerdict(removals, limits);
  if (stop) throw new pulumi.RunError(stop);
  if (removals.reasons.length)
    pulumi.log.warn(`removing what ${removals.fingerprint} names, as sso-access:allowRemovals allows; delete the key after this deployment`);

  const access = new AccessMatrix(plan.root.name, {
    plan,
    instanceArn: setting("instanceArn") ?? adoption?.instanceArn,
    identityStoreId: setting("identityStoreId") ?? adoption?.identityStoreId,
    imports: adoption?.imports,
    beforeDeclaring: verifyInventory,
  });
  await access.ready;
  return {
    instanceArn: access.instanceArn,
    identityStoreId: access.identityStoreId,
    permissionSetArns: access.permissionSetArns,
    groupIds: access.groupIds,
    userIds: access.userIds,
    assignmentCount: access.assignmentCount,
    portalUrl: access.portalUrl,
    /** What this deployment declared: the next one compares against it (the removal guard). Secret: it lists people. */
    deployed: pulumi.secret(deployed),
  };
}

/**
 * The import ids of `sso-access:adoptFile` (adopt.json), for the stack's first deployment only: once the stack has
 * deployed, what it declares is its own, and importing again would take over whatever exists under those ids.
 */
function adoptionOf(file: string | undefined, plan: Plan, deployedBefore: boolean, instanceArn?: string, identityStoreId?: string) {
  if (file === undefined) return undefined;
  if (deployedBefore)
    throw new pulumi.RunError(
      `sso-access:adoptFile is for a stack's first deployment, and this stack has deployed already: remove the key (pulumi config rm sso-access:adoptFile); nothing was changed`,
    );
  const loaded = loadAdoptFile(file);
  if (!loaded.ok) throw new pulumi.RunError(new MatrixError(loaded.problems).message.replace("in the access matrix", `in ${file}`));
  const adopt = loaded.value;
  for (const [key, configured, adopted] of [
    ["instanceArn", instanceArn, adopt.instanceArn],
    ["identityStoreId", identityStoreId, adopt.identityStoreId],
  ] as const) {
    if (configured !== undefined && configured !== adopted)
      throw new pulumi.RunError(
        `sso-access:${key} is ${configured}, but ${file} was adopted from ${adopted}: adopt a snapshot of this stack's instance; nothing was changed`,
      );
  }
  const { imports, unknown } = importsFor(plan, adopt);
  if (unknown.length)
    pulumi.log.warn(
      `${file} names ${unknown.length} resource(s) the access file no longer declares, which are left as they are: ${unknown.slice(0, 5).join(", ")}${unknown.length > 5 ? ", ..." : ""}`,
    );
  return { imports, instanceArn: adopt.instanceArn, identityStoreId: adopt.identityStoreId };
}

/**
 * The plan of the access matrix, or a RunError listing its located problems (no stack trace); and, unless the stack
 * turns it off, the check of its inventory against AWS Organizations, which the component runs with its provider
 * before declaring anything. Only the plan and that check leave this function.
 */
function planOf(file: string, verify: boolean): { plan: Plan; verifyInventory?: (provider: aws.Provider) => Promise<void> } {
  const loaded = loadMatrixFile(file);
  if (!loaded.ok) throw new pulumi.RunError(new MatrixError(loaded.problems).message);
  const valid = loaded.value;
  const verifyInventory = async (provider: aws.Provider) => {
    const organization = await organizationFacts(
      Object.values(valid.matrix.accounts).map((a) => a.id),
      provider,
    );
    const problems = inventoryProblems(valid, organization);
    if (problems.length) throw new pulumi.RunError(new MatrixError(problems).message.replace("in the access matrix", "in the inventory of the access matrix"));
  };
  return { plan: expand(valid), ...(verify ? { verifyInventory } : {}) };
}
