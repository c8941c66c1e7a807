import * as pulumi from "@pulumi/pulumi";
import { TYPE, type ComponentPlan } from "../matrix/expand/plan";
import type { Declarations } from "./declarations";

export interface AccountAssignmentsArgs {
  /** This account's part of the plan: every assignment of a principal and permission set to the account. */
  readonly plan: ComponentPlan;
  /** Declares the children and resolves their references (permission set ARNs, principal ids). */
  readonly declarations: Declarations;
}

/**
 * The assignments of one account, named by the account id. One component per account, never per assignment:
 * each component is a registered resource too, and one per assignment would double the program's cost at scale.
 */
export class AccountAssignments extends pulumi.ComponentResource {
  /** Resolves once every child is declared (in batches: a large part lets the event loop turn). */
  public readonly declared: Promise<void>;
  /** Number of assignments in this account. */
  public readonly count: number;

  constructor(name: string, args: AccountAssignmentsArgs, opts?: pulumi.ComponentResourceOptions) {
    super(TYPE.accountComponent, name, {}, opts);
    this.declared = args.declarations.declareInBatches(args.plan, this);
    this.count = args.plan.children.length;
    this.registerOutputs({ count: this.count });
  }
}
