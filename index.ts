import * as pulumi from "@pulumi/pulumi";
import { AccessMatrix } from "./components/accessMatrix";
import { expand } from "./matrix/expand";
import { loadMatrixFile } from "./matrix/load";
import { MatrixError } from "./matrix/problems";

// The program: stack config in, the access matrix validated and expanded, one component, outputs out.
const config = new pulumi.Config();
const loaded = loadMatrixFile(config.get("accessFile") || "access.yaml");
if (!loaded.ok) {
  // A RunError prints its message alone: the located problems, no stack trace. Nothing has been declared yet.
  throw new pulumi.RunError(new MatrixError(loaded.problems).message);
}
const plan = expand(loaded.value);
const access = new AccessMatrix(plan.root.name, {
  plan,
  instanceArn: config.get("instanceArn") || undefined,
  identityStoreId: config.get("identityStoreId") || undefined,
});

export const instanceArn = access.instanceArn;
export const identityStoreId = access.identityStoreId;
export const permissionSetArns = access.permissionSetArns;
export const groupIds = access.groupIds;
export const userIds = access.userIds;
export const assignmentCount = access.assignmentCount;
export const portalUrl = access.portalUrl;
