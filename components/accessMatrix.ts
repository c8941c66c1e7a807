import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { TYPE, danglingReferences, type Plan } from "../matrix/expand/plan";
import { AccountAssignments } from "./accountAssignments";
import { Declarations, type Instance } from "./declarations";
import { Group } from "./group";
import { PermissionSet } from "./permissionSet";

export interface AccessMatrixArgs {
  /** The expanded access matrix (matrix/expand/expand.ts): every resource to declare, with names and inputs. */
  readonly plan: Plan;
  /** ARN of the Identity Center instance; looked up with ssoadmin.getInstances when not given. */
  readonly instanceArn?: string;
  /** Identity store id of the instance; looked up with ssoadmin.getInstances when not given. */
  readonly identityStoreId?: string;
  /**
   * Import ids by declaration key (`type::name`), from the adopt file of `sso-access adopt`: each such resource is
   * taken over from what exists instead of created. Only for a stack's first deployment.
   */
  readonly imports?: ReadonlyMap<string, string>;
  /**
   * Runs before any resource is declared, with this component's provider (its region and retries): the check of the
   * inventory against AWS Organizations. A rejection stops the deployment with nothing declared.
   */
  readonly beforeDeclaring?: (provider: aws.Provider) => Promise<void>;
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
  /**
   * Resolves once every resource is declared, rejects if declaring fails. The program awaits it; the Pulumi runtime
   * is kept alive until then, so a program that embeds this component need not.
   */
  public readonly ready: Promise<void>;

  constructor(name: string, args: AccessMatrixArgs, opts?: pulumi.ComponentResourceOptions) {
    super(TYPE.root, name, {}, opts);
    const { plan } = args;
    // A plan that refers to something it never declares is a bug in the expansion: stop before declaring anything.
    const dangling = danglingReferences(plan);
    if (dangling.length) throw new Error(`the plan refers to resources it does not declare: ${dangling.join(", ")}`);
    const inputs = plan.provider.inputs as { region: string; retryMode: string; maxRetries: number };
    // One explicit provider for every child: the region of the Identity Center instance, and adaptive retries,
    // because Identity Center shares a 20 requests/second throttle across its APIs.
    const provider = new aws.Provider(plan.provider.name, inputs, { parent: this });
    const instance = findInstance(args, plan.settings.region, provider, this);
    // At the top of the stack, this component's URN is known now: users' aliases need it for their former parents.
    const ownUrn = opts?.parent ? undefined : `urn:pulumi:${pulumi.getStack()}::${pulumi.getProject()}::${TYPE.root}::${name}`;
    const declarations = new Declarations(instance, provider, args.imports);

    const keepAlive = pulumi.runtime.rpcKeepAlive();
    const declared = (args.beforeDeclaring ? args.beforeDeclaring(provider) : Promise.resolve()).then(() => this.declareAll(plan, declarations, ownUrn));
    this.ready = declared.then(() => undefined).finally(keepAlive);
    // The error of a failed declaration reaches the user through `ready` alone. Outputs that rejected with it too
    // would hand the same error object to the SDK's serializer, which prefixes its message in place (`error
    // serializing property "outputs": ...`) before Pulumi prints it: on failure they are empty instead.
    const outcome = declared.catch(() => undefined);
    const byName = (pick: (d: Awaited<typeof declared>) => { name: string; value: pulumi.Output<string> }[]) =>
      pulumi.output(outcome.then((d) => (d ? Object.fromEntries(pick(d).map((i) => [i.name, i.value])) : {})));

    this.instanceArn = pulumi.output(instance.arn);
    this.identityStoreId = pulumi.output(instance.identityStoreId);
    this.permissionSetArns = byName((d) => d.sets);
    this.groupIds = byName((d) => d.groups);
    this.userIds = byName((d) => d.users);
    this.assignmentCount = plan.assignments.length;
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

  /**
   * Declares the plan in its order (permission sets, users, groups, accounts), letting the event loop turn every
   * few hundred resources. Declared all at once, every registration of a large organization is in flight together:
   * the heap holds them all and the garbage collector copies them over and over (bench/README.md has the figures).
   * In batches, earlier registrations settle while later ones are declared.
   */
  private async declareAll(plan: Plan, declarations: Declarations, ownUrn: string | undefined) {
    const parent = { parent: this };
    const sets: { name: string; value: pulumi.Output<string> }[] = [];
    for (const p of plan.permissionSets) {
      sets.push({ name: p.name, value: new PermissionSet(p.name, { plan: p, declarations }, parent).arn });
      await declarations.breathe();
    }
    // The instance's own settings (attributes for access control), under the root.
    declarations.declare(plan.instance, this, ownUrn);
    // Users have no component each (one per person would be thousands of registrations): declared under the root.
    const users: typeof sets = [];
    for (const p of plan.users) {
      declarations.declare(p, this, ownUrn);
      users.push({ name: p.name, value: declarations.output(p.outputs.userId) });
      await declarations.breathe();
    }
    const groups: typeof sets = [];
    for (const p of plan.groups) {
      const group = new Group(p.name, { plan: p, declarations }, parent);
      groups.push({ name: p.name, value: group.groupId });
      await group.declared;
    }
    for (const p of plan.accounts) await new AccountAssignments(p.name, { plan: p, declarations }, parent).declared;
    declarations.finish();
    return { sets, users, groups };
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
