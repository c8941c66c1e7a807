import * as fs from "node:fs";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { BATCH, RESOURCE_CLASSES } from "../components/declarations";
import { isRef, type Decl, type Value } from "../matrix/expand/plan";
import { IDENTITY_STORE_ID, INSTANCE_ARN, benchMocks, report, settled } from "./mocks";

/**
 * The floor, measured in its own process: the AWS resources of a plan (same types, logical names and inputs, read
 * from `plan --json`), registered directly: no file, no validation, no expansion, no components. All in one loop,
 * or with "batched" as a second argument in batches as the program declares them. References
 * become the outputs of the resources they name; instance and lookup references become constants.
 */
async function main(): Promise<void> {
  const [planFile, mode] = process.argv.slice(2);
  const plan = JSON.parse(fs.readFileSync(planFile, "utf8")) as { resources: (Pick<Decl, "type" | "name" | "inputs"> & { key?: string })[] };
  await pulumi.runtime.setMocks(benchMocks, "sso-access", "bench", false, "organization");
  const decls = new Map(plan.resources.map((r) => [`${r.type}::${r.name}`, r]));
  const made = new Map<string, pulumi.CustomResource>();
  const providerDecl = plan.resources.find((r) => r.type === "pulumi:providers:aws")!;
  const provider = new aws.Provider(providerDecl.name, providerDecl.inputs as aws.ProviderArgs);
  const resolve = (value: Value): unknown => {
    if (Array.isArray(value)) return value.map(resolve);
    if (typeof value !== "object" || value === null) return value;
    if (isRef(value)) {
      if ("$instance" in value) return value.$instance === "arn" ? INSTANCE_ARN : IDENTITY_STORE_ID;
      if ("$lookup" in value) return `looked-up-${value.$lookup}`;
      return (make(value.$ref) as unknown as Record<string, pulumi.Output<string>>)[value.output];
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v as Value)]));
  };
  const make = (key: string): pulumi.CustomResource => {
    const known = made.get(key);
    if (known) return known;
    const decl = decls.get(key)!;
    const Class = RESOURCE_CLASSES[decl.type as keyof typeof RESOURCE_CLASSES]!;
    const resource = new Class(decl.name, resolve(decl.inputs as Value) as never, { provider });
    made.set(key, resource);
    return resource;
  };
  // "batched": yield to the event loop every BATCH resources, as the program does (components/declarations.ts), to
  // tell what the program's components and checks cost from what its scheduling saves.
  let sinceYield = 0;
  for (const key of decls.keys()) {
    if (!key.startsWith("aws:")) continue;
    make(key);
    if (mode === "batched" && ++sinceYield >= BATCH) {
      sinceYield = 0;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
  await settled();
  report();
}

void main();
