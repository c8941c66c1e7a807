import * as fs from "node:fs";
import { parseArgs } from "node:util";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { RESOURCE_CLASSES } from "../components/declarations";
import { isRef, refsIn, type Value } from "../matrix/expand/plan";
import { FLOOR_ORDERS, type FloorInput } from "./floorInput";
import { IDENTITY_STORE_ID, INSTANCE_ARN, benchMocks, report, settled } from "./mocks";

/**
 * The floor, measured in its own process: the AWS resources of a plan (bench/floorInput.ts: the program's types,
 * logical names, inputs, `dependsOn` edges and aliases) registered directly, with no file, validation, expansion or
 * components, by a schedule:
 *
 *   floor.ts floor.json [--batch N] [--order plan|deferred]
 *
 * `--batch N` lets the event loop turn (setImmediate) after every N registrations; 0 registers all in one loop.
 * Either order registers a resource after what it refers to and depends on: `--order plan` takes the program's order
 * and registers a resource's dependencies first where they come later (a permission set's first policy attachment
 * depends on the set's assignments), `deferred` takes the program's order and moves such a resource after the end.
 * The order is computed before anything is registered (registrationOrder), so every batch has exactly N.
 * References become the outputs of the resources they name; instance and lookup references become constants.
 * bench/run.ts searches the schedules (`--search-floor`).
 */
async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { batch: { type: "string", default: "0" }, order: { type: "string", default: "plan" } },
  });
  const batch = Number(values.batch);
  if (!Number.isInteger(batch) || batch < 0) throw new Error(`--batch is a whole number (0: one loop), not ${values.batch}`);
  if (!(FLOOR_ORDERS as readonly string[]).includes(values.order!)) throw new Error(`--order is one of ${FLOOR_ORDERS.join(", ")}`);
  const input = JSON.parse(fs.readFileSync(positionals[0], "utf8")) as FloorInput;
  await pulumi.runtime.setMocks(benchMocks, "sso-access", "bench", false, "organization");
  const decls = new Map(input.resources.map((r) => [r.key, r]));
  const made = new Map<string, pulumi.CustomResource>();
  const provider = new aws.Provider(input.provider.name, input.provider.inputs as aws.ProviderArgs);
  const resolve = (value: Value): unknown => {
    if (Array.isArray(value)) return value.map(resolve);
    if (typeof value !== "object" || value === null) return value;
    if (isRef(value)) {
      if ("$instance" in value) return value.$instance === "arn" ? INSTANCE_ARN : IDENTITY_STORE_ID;
      if ("$lookup" in value) return `looked-up-${value.$lookup}`;
      return (made.get(value.$ref) as unknown as Record<string, pulumi.Output<string>>)[value.output];
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v as Value)]));
  };
  const make = (key: string): void => {
    const decl = decls.get(key)!;
    const dependsOn = decl.dependsOn.map((d) => made.get(d)!);
    const Class = RESOURCE_CLASSES[decl.type as keyof typeof RESOURCE_CLASSES]!;
    const resource = new Class(decl.name, resolve(decl.inputs as Value) as never, {
      provider,
      ...(dependsOn.length ? { dependsOn } : {}),
      ...(decl.aliasParent ? { aliases: [{ parent: decl.aliasParent }] } : {}),
    });
    made.set(key, resource);
  };
  for (const [i, key] of registrationOrder(input, values.order as (typeof FLOOR_ORDERS)[number]).entries()) {
    make(key);
    if (batch > 0 && (i + 1) % batch === 0) await new Promise<void>((resolve) => setImmediate(resolve));
  }
  await settled();
  report();
}

/**
 * The keys in the order they are registered: the order's sequence, each resource preceded by what it refers to and
 * depends on that is not registered yet (depth first). Computed before registering, so that every registration
 * counts towards the batch and no resource pulls a burst of others in between two turns of the event loop.
 */
function registrationOrder(input: FloorInput, order: (typeof FLOOR_ORDERS)[number]): string[] {
  const position = new Map(input.resources.map((r, i) => [r.key, i]));
  const byKey = new Map(input.resources.map((r) => [r.key, r]));
  const later = (r: FloorInput["resources"][number]) => r.dependsOn.some((d) => position.get(d)! > position.get(r.key)!);
  const sequence = order === "plan" ? input.resources : [...input.resources.filter((r) => !later(r)), ...input.resources.filter(later)];
  const out: string[] = [];
  const seen = new Set<string>();
  const visit = (key: string): void => {
    if (seen.has(key)) return;
    seen.add(key);
    const r = byKey.get(key)!;
    for (const ref of refsIn(r.inputs as Value)) if ("$ref" in ref) visit(ref.$ref);
    for (const dependency of r.dependsOn) visit(dependency);
    out.push(key);
  };
  for (const r of sequence) visit(r.key);
  return out;
}

void main();
