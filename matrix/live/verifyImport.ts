import { z } from "zod";
import type { Problem } from "../common/problems";
import { TYPE } from "../expand/plan";
import { loadDataFile } from "../validate/dataFile";
import { MAX_SNAPSHOT_BYTES } from "./snapshot";

/**
 * The proof that a first `pulumi up` takes over and changes nothing: in the steps of `pulumi preview --json`, every
 * AWS resource is imported with no difference, and nothing is created, updated, replaced or deleted in AWS. Recent
 * Pulumi versions import a resource whose inputs differ and then update it, so an import alone proves nothing: its
 * diff must be empty too.
 */

const StepSchema = z.object({
  op: z.string().min(1),
  urn: z.string().regex(/^urn:pulumi:[^:]*(?::[^:]+)*::[^:].*::[^:].*::.+$/, "a step's urn is urn:pulumi:<stack>::<project>::<type>::<name>"),
  diffReasons: z.array(z.string()).optional(),
  replaceReasons: z.array(z.string()).optional(),
  detailedDiff: z.record(z.string(), z.unknown()).nullable().optional(),
});
const PreviewSchema = z.object({ steps: z.array(StepSchema) });

/** Operations that change nothing. */
const HARMLESS = new Set(["same", "read", "refresh"]);

/**
 * What an adopting deployment may create besides imports: Pulumi's own stack, the AWS provider, and this program's
 * component resources, none of which calls an AWS API. Anything else created is a change.
 */
const OWN_TYPES = new Set<string>([
  "pulumi:pulumi:Stack",
  TYPE.provider,
  TYPE.root,
  TYPE.permissionSetComponent,
  TYPE.groupComponent,
  TYPE.userComponent,
  TYPE.accountComponent,
]);

export interface ImportVerdict {
  /** AWS resources imported with no difference. */
  readonly imported: number;
  /** One sentence per step that is not a clean import. */
  readonly failures: readonly string[];
}

export type VerifyResult = { readonly ok: true; readonly value: ImportVerdict } | { readonly ok: false; readonly problems: Problem[] };

/** The resource type and logical name of a URN (`...::parent$type::name`). */
function typeAndName(urn: string): [type: string, name: string] {
  const parts = urn.split("::");
  return [parts[2].split("$").pop()!, parts.slice(3).join("::")];
}

export function verifyImport(file: string, shownName = file): VerifyResult {
  const result = loadDataFile(file, shownName, "the output of pulumi preview --json", MAX_SNAPSHOT_BYTES, PreviewSchema);
  if (!result.ok) return result;
  const failures: string[] = [];
  let imported = 0;
  for (const step of result.value.steps) {
    const [type, name] = typeAndName(step.urn);
    const aws = type.startsWith("aws:");
    const diff = [...new Set([...(step.diffReasons ?? []), ...(step.replaceReasons ?? []), ...Object.keys(step.detailedDiff ?? {})])].sort();
    if (aws && step.op === "import" && diff.length === 0) imported++;
    else if (aws && step.op === "import")
      failures.push(`${type} ${name} is imported with differences (${diff.join(", ")}): pulumi up would change it right after`);
    else if (aws && !HARMLESS.has(step.op)) failures.push(`${type} ${name}: ${step.op}, not an import`);
    else if (!aws && !HARMLESS.has(step.op) && !(step.op === "create" && OWN_TYPES.has(type))) failures.push(`${type} ${name}: ${step.op}`);
  }
  if (imported === 0 && failures.length === 0)
    failures.push("the preview imports nothing: is adoptFile set on this stack, and is this the preview of its first deployment?");
  return { ok: true, value: { imported, failures } };
}
