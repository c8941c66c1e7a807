import * as pulumi from "@pulumi/pulumi";
import { TYPE, type ComponentPlan } from "../matrix/plan";
import type { Declarations } from "./declarations";

export interface UserArgs {
  /** This user's part of the plan: the identity store user, or the lookup of an external user. */
  readonly plan: ComponentPlan;
  /** Declares the children and resolves their references (identity store id). */
  readonly declarations: Declarations;
}

/** One identity store user: created, or looked up by user name when an external IdP owns it. */
export class User extends pulumi.ComponentResource {
  /** Identity store id of the user. */
  public readonly userId: pulumi.Output<string>;

  constructor(name: string, args: UserArgs, opts?: pulumi.ComponentResourceOptions) {
    super(TYPE.userComponent, name, {}, opts);
    args.declarations.declare(args.plan, this);
    this.userId = args.declarations.output(args.plan.outputs.userId);
    this.registerOutputs({ userId: this.userId });
  }
}
