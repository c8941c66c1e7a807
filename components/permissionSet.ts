import * as pulumi from "@pulumi/pulumi";
import { TYPE, type ComponentPlan } from "../matrix/expand/plan";
import type { Declarations } from "./declarations";

export interface PermissionSetArgs {
  /** This set's part of the plan: the permission set and its exclusive policy attachments, inline policy and boundary. */
  readonly plan: ComponentPlan;
  /** Declares the children and resolves their references (instance ARN, the set's ARN, assignments to wait for). */
  readonly declarations: Declarations;
}

/** One permission set with everything attached to it. */
export class PermissionSet extends pulumi.ComponentResource {
  /** ARN of the permission set. */
  public readonly arn: pulumi.Output<string>;

  constructor(name: string, args: PermissionSetArgs, opts?: pulumi.ComponentResourceOptions) {
    super(TYPE.permissionSetComponent, name, {}, opts);
    args.declarations.declare(args.plan, this);
    this.arn = args.declarations.output(args.plan.outputs.arn);
    this.registerOutputs({ arn: this.arn });
  }
}
