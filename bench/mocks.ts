import * as pulumi from "@pulumi/pulumi";
import { LOOKUP, TYPE } from "../matrix/expand/plan";

/**
 * The mocks both benchmark runs use: the attributes the program reads (arn, groupId, userId), nothing recorded.
 * The program and the floor pay the same mock cost per resource.
 */
export const INSTANCE_ARN = "arn:aws:sso:::instance/ssoins-0000000000000000";
export const IDENTITY_STORE_ID = "d-0000000000";

export let registered = 0;

export const benchMocks: pulumi.runtime.Mocks = {
  newResource(args) {
    if (args.type === "pulumi:pulumi:StackReference") return { id: args.inputs.name, state: { name: args.inputs.name, outputs: {}, secretOutputNames: [] } };
    if (args.custom) registered++;
    const computed: Record<string, unknown> = {};
    if (args.type === TYPE.permissionSet) computed.arn = `arn:aws:sso:::permissionSet/${args.name}`;
    if (args.type === TYPE.group) computed.groupId = `group-${args.name}`;
    if (args.type === TYPE.user) computed.userId = `user-${args.name}`;
    return { id: args.custom ? `${args.name}-id` : undefined, state: { ...args.inputs, ...computed } };
  },
  call(args) {
    const attribute = (args.inputs.alternateIdentifier as { uniqueAttribute: { attributeValue: string } } | undefined)?.uniqueAttribute.attributeValue;
    if (args.token === LOOKUP.group) return { groupId: `external-group-${attribute}` };
    if (args.token === LOOKUP.user) return { userId: `external-user-${attribute}` };
    return { arns: [INSTANCE_ARN], identityStoreIds: [IDENTITY_STORE_ID] };
  },
};

/** Resolves once every registration started so far has completed. */
export async function settled(): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const settings = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> };
  await settings.waitForRPCs();
}

/**
 * The one line a measured process prints: its time from process start (Node, module loading and all, the same for
 * both runs), its peak memory, and how many AWS resources it registered.
 */
export function report(): void {
  process.stdout.write(`${JSON.stringify({ seconds: performance.now() / 1000, rssMB: process.resourceUsage().maxRSS / 1024, resources: registered })}\n`);
}
