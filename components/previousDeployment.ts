import * as pulumi from "@pulumi/pulumi";
import { isDeployed, type CountOnly, type Deployed } from "../matrix/review/removalGuard";

/** The stack output in which each deployment records what it declared (matrix/review/removalGuard.ts). */
export const DEPLOYED_OUTPUT = "deployed";

/**
 * What the last successful deployment of this stack declared, read from the stack's own `deployed` output through
 * a StackReference to itself (the backend keeps the outputs of the last update). Undefined before the first
 * deployment. A stack last deployed by a version that recorded only `assignmentCount` gives that count.
 */
export async function previousDeployment(): Promise<Deployed | CountOnly | undefined> {
  const name = `${pulumi.getOrganization()}/${pulumi.getProject()}/${pulumi.getStack()}`;
  const self = new pulumi.StackReference(name);
  const read = async (output: string) => {
    try {
      const details = await self.getOutputDetails(output);
      return details.value ?? details.secretValue;
    } catch (error) {
      throw new pulumi.RunError(
        `could not read this stack's own outputs through the stack reference ${name} (${(error as Error).message}); the removal guard needs them. With a self-managed backend, use project-scoped stacks (pulumi state upgrade)`,
      );
    }
  };
  const value = await read(DEPLOYED_OUTPUT);
  if (value === undefined) {
    const count = await read("assignmentCount");
    return typeof count === "number" ? { assignmentCount: count } : undefined;
  }
  if (!isDeployed(value)) {
    throw new pulumi.RunError(
      `the stack output "${DEPLOYED_OUTPUT}" is not what sso-access records, so the removal guard cannot tell what would be deleted; restore it, or export the stack and inspect it`,
    );
  }
  return value;
}
