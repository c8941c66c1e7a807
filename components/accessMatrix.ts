import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { TYPE, type Plan } from "../matrix/plan";
import { AccountAssignments } from "./accountAssignments";
import { Declarations, type Instance } from "./declarations";
import { Group } from "./group";
import { PermissionSet } from "./permissionSet";

export interface AccessMatrixArgs {
  /** The expanded access matrix (matrix/expand.ts): every resource to declare, with names and inputs. */
  readonly plan: Plan;
  /** ARN of the Identity Center instance; looked up with ssoadmin.getInstances when not given. */
  readonly instanceArn?: string;
  /** Identity store id of the instance; looked up with ssoadmin.getInstances when not given. */
  readonly identityStoreId?: string;
}

/** The whole access matrix of one organization: the provider, permission sets, users, groups and assignments. */
export class AccessMatrix extends pulumi.ComponentResource {
  /** ARN of the Identity Center instance. */
  public readonly instanceArn: pulumi.Output<string>;
  /** Identity store id of the instance. */
  public readonly identityStoreId: pulumi.Output<string>;
  /** Permission set ARNs by permission set name. */
  public readonly permissionSetArns: pulumi.Output<Record<string, string>>;
  /** Group ids by group key. */
  public readonly groupIds: pulumi.Output<Record<string, string>>;
  /** User ids by user name. */
  public readonly userIds: pulumi.Output<Record<string, string>>;
  /** Number of account assignments. */
  public readonly assignmentCount: number;
  /** The AWS access portal URL. */
  public readonly portalUrl: string;

  constructor(name: string, args: AccessMatrixArgs, opts?: pulumi.ComponentResourceOptions) {
    super(TYPE.root, name, {}, opts);
    const { plan } = args;
    const inputs = plan.provider.inputs as { region: string; retryMode: string; maxRetries: number };
    // One explicit provider for every child: the region of the Identity Center instance, and adaptive retries,
    // because Identity Center shares a 20 requests/second throttle across its APIs.
    const provider = new aws.Provider(plan.provider.name, inputs, { parent: this });
    const instance = findInstance(args, plan.settings.region, provider, this);
    const declarations = new Declarations(instance, provider);
    const byName = <T>(items: { name: string; value: T }[]) => pulumi.output(Object.fromEntries(items.map((i) => [i.name, i.value])));

    const sets = plan.permissionSets.map((p) => new PermissionSet(p.component.name, { plan: p, declarations }, { parent: this }));
    // Users have no component each (one per person would be thousands of registrations): declared under the root.
    // At the top of the stack, this component's URN is known now: users' aliases need it for their former parents.
    const ownUrn = opts?.parent ? undefined : `urn:pulumi:${pulumi.getStack()}::${pulumi.getProject()}::${TYPE.root}::${name}`;
    const userIds = plan.users.map((p) => {
      declarations.declare(p, this, ownUrn);
      return { name: p.name, value: declarations.output(p.outputs.userId) };
    });
    const groups = plan.groups.map((p) => new Group(p.component.name, { plan: p, declarations }, { parent: this }));
    const accounts = plan.accounts.map((p) => new AccountAssignments(p.component.name, { plan: p, declarations }, { parent: this }));
    declarations.finish();

    this.instanceArn = pulumi.output(instance.arn);
    this.identityStoreId = pulumi.output(instance.identityStoreId);
    this.permissionSetArns = byName(sets.map((s, i) => ({ name: plan.permissionSets[i].component.name, value: s.arn })));
    this.groupIds = byName(groups.map((g, i) => ({ name: plan.groups[i].component.name, value: g.groupId })));
    this.userIds = byName(userIds);
    this.assignmentCount = accounts.reduce((n, a) => n + a.count, 0);
    this.portalUrl = plan.settings.startUrl;
    this.registerOutputs({
      instanceArn: this.instanceArn,
      identityStoreId: this.identityStoreId,
      permissionSetArns: this.permissionSetArns,
      groupIds: this.groupIds,
      userIds: this.userIds,
      assignmentCount: this.assignmentCount,
      portalUrl: this.portalUrl,
    });
  }
}

/** The instance from stack config, or else the one Identity Center instance of the region. */
function findInstance(args: AccessMatrixArgs, region: string, provider: aws.Provider, parent: pulumi.Resource): Instance {
  if (args.instanceArn && args.identityStoreId) {
    // Plain strings, not outputs: every resource takes them, and an input that is already known costs the SDK less.
    return { arn: args.instanceArn, identityStoreId: args.identityStoreId };
  }
  const found = aws.ssoadmin.getInstancesOutput({}, { provider, parent }).apply((result) => {
    if (result.arns.length === 0) {
      throw new pulumi.RunError(
        `no IAM Identity Center instance in ${region}: enable Identity Center there (in the management account), run with credentials of the management or delegated administrator account, or correct identityCenter.region in the access matrix`,
      );
    }
    if (result.arns.length > 1) {
      throw new pulumi.RunError(
        `${result.arns.length} Identity Center instances in ${region} (${result.arns.join(", ")}): set sso-access:instanceArn and sso-access:identityStoreId to choose one`,
      );
    }
    return { arn: result.arns[0], identityStoreId: result.identityStoreIds[0] };
  });
  return {
    arn: args.instanceArn || found.arn,
    identityStoreId: args.identityStoreId || found.identityStoreId,
  };
}
