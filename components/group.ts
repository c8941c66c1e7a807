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
  /** Resolves once every child is declared (in batches: a large part lets the event loop turn). */
  public readonly declared: Promise<void>;
  /** Identity store id of the group. */
  public readonly groupId: pulumi.Output<string>;

  constructor(name: string, args: GroupArgs, opts?: pulumi.ComponentResourceOptions) {
    super(TYPE.groupComponent, name, {}, opts);
    this.declared = args.declarations.declareInBatches(args.plan, this);
    this.groupId = args.declarations.output(args.plan.outputs.groupId);
    this.registerOutputs({ groupId: this.groupId });
  }
}
