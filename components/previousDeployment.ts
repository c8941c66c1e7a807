import * as pulumi from "@pulumi/pulumi";
import { isDeployed, type Deployed } from "../matrix/removalGuard";

/** The stack output in which each deployment records what it declared (matrix/removalGuard.ts). */
export const DEPLOYED_OUTPUT = "deployed";

/**
 * What the last successful deployment of this stack declared, read from the stack's own `deployed` output through
 * a StackReference to itself (the backend keeps the outputs of the last update). Undefined before the first
 * deployment, or when the last one was made by a version that did not record it.
 */
export async function previousDeployment(): Promise<Deployed | undefined> {
  const self = new pulumi.StackReference(`${pulumi.getOrganization()}/${pulumi.getProject()}/${pulumi.getStack()}`);
  const details = await self.getOutputDetails(DEPLOYED_OUTPUT);
  const value = details.value ?? details.secretValue;
  if (value === undefined) return undefined;
  if (!isDeployed(value)) {
    throw new pulumi.RunError(`the stack output "${DEPLOYED_OUTPUT}" is not what sso-access records, so the removal guard cannot tell what would be deleted; restore it, or export the stack and inspect it`);
  }
  return value;
}
