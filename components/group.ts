import * as pulumi from "@pulumi/pulumi";
import { TYPE, type ComponentPlan } from "../matrix/expand/plan";
import type { Declarations } from "./declarations";

export interface GroupArgs {
  /** This group's part of the plan: the group and its memberships, or the lookup of an external group. */
  readonly plan: ComponentPlan;
  /** Declares the children and resolves their references (identity store id, user ids). */
  readonly declarations: Declarations;
}

/** One identity store group: created with its memberships, or looked up by display name when an external IdP owns it. */
export class Group extends pulumi.ComponentResource {
  /** Identity store id of the group. */
  public readonly groupId: pulumi.Output<string>;

  constructor(name: string, args: GroupArgs, opts?: pulumi.ComponentResourceOptions) {
    super(TYPE.groupComponent, name, {}, opts);
    args.declarations.declare(args.plan, this);
    this.groupId = args.declarations.output(args.plan.outputs.groupId);
    this.registerOutputs({ groupId: this.groupId });
  }
}
