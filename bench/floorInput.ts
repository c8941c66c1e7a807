import { planDecls, type Decl, type Plan } from "../matrix/expand/plan";

/**
 * What the floor registers (bench/floor.ts), written by bench/run.ts: the plan's AWS resources in the order the
 * program declares them, each with its type, logical name, inputs, `dependsOn` keys and alias, and the provider.
 * No components: the floor is what any program must register to make these resources, and nothing more.
 */
export interface FloorInput {
  readonly provider: { readonly name: string; readonly inputs: Decl["inputs"] };
  readonly resources: readonly {
    readonly key: string;
    readonly type: string;
    readonly name: string;
    readonly inputs: Decl["inputs"];
    readonly dependsOn: readonly string[];
    /** The URN of the component the resource was a child of before (the program's alias), as the program writes it. */
    readonly aliasParent?: string;
  }[];
}

/** The orders bench/floor.ts registers in (`--order`). */
export const FLOOR_ORDERS = ["plan", "deferred"] as const;

/** The floor's input for `plan`, in a stack `stack` of project `project` (the URNs of the program's aliases). */
export function floorInput(plan: Plan, project: string, stack: string): FloorInput {
  const rootUrn = `urn:pulumi:${stack}::${project}::${plan.root.type}`;
  return {
    provider: { name: plan.provider.name, inputs: plan.provider.inputs },
    resources: planDecls(plan)
      .filter((d) => d.type.startsWith("aws:"))
      .map((d) => ({
        key: d.key,
        type: d.type,
        name: d.name,
        inputs: d.inputs,
        dependsOn: d.dependsOn,
        ...(d.formerParent ? { aliasParent: `${rootUrn}$${d.formerParent.type}::${d.formerParent.name}` } : {}),
      })),
  };
}
