import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { dump, load } from "js-yaml";
import { renderTable } from "../cli/output";
import { expand } from "../matrix/expand/expand";
import { loadMatrixFile } from "../matrix/checks/pipeline";
import { MatrixError } from "../matrix/common/problems";
import { planDecls } from "../matrix/expand/plan";
import { CHURN_CASES, measureChurn } from "./churn";
import { SIZES, WIDE_EDITS, generate, generateWide, generateYaml, loadGenerated, snapshotOf, type Size } from "./generate";
import { readSnapshot } from "../cli/snapshot/reader";
import { FakeAws } from "../test/fakeAws";

/**
 * `npm run bench -- --size S|M|L [--runs N] [--seed N]`: generates an organization, then measures, each run in a
 * fresh process: `check`, `plan --json`, the whole program under Pulumi mocks, and the floor (the same AWS
 * resources registered directly). Prints a table, the churn of scripted edits, and as its last line one JSON object.
 */

const ROOT = path.resolve(__dirname, "..");
const BIN = path.join(ROOT, "bin", "sso-access.js");
/** The measured processes load TypeScript as bin/sso-access.js does: Sucrase strips the types. */
const REGISTER = ["-r", path.join(ROOT, "bin", "typescript.js")];

/**
 * The Node arguments Pulumi starts the program with (Pulumi.yaml, runtime.options.nodeargs). The program and the
 * floor both run with them, so the two differ only in what they register and how.
 */
function pulumiNodeArgs(): string[] {
  const project = load(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as { runtime?: { options?: { nodeargs?: string } } };
  const nodeargs = project.runtime?.options?.nodeargs ?? "";
  // Pulumi splits them as a shell would; plain words are all this project uses.
  if (/["'\\]/.test(nodeargs)) throw new Error(`Pulumi.yaml nodeargs with quotes or escapes: ${nodeargs}`);
  return nodeargs.split(/\s+/).filter(Boolean);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function wall(args: string[], out?: string): number {
  const start = performance.now();
  const result = spawnSync(process.execPath, args, { cwd: ROOT, encoding: "utf8", maxBuffer: 512 * 1024 * 1024 });
  const seconds = (performance.now() - start) / 1000;
  if (result.status !== 0) throw new Error(`${args.join(" ")} exited ${result.status}: ${result.stderr.slice(0, 2000)}`);
  if (out) fs.writeFileSync(out, result.stdout);
  return seconds;
}

function measured(script: string, ...input: string[]): { seconds: number; rssMB: number; resources: number } {
  const args = [...pulumiNodeArgs(), ...REGISTER, path.join(ROOT, "bench", script), ...input];
  const result = spawnSync(process.execPath, args, { cwd: ROOT, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`${script} exited ${result.status}: ${result.stderr.slice(0, 2000)}`);
  return JSON.parse(result.stdout.trim().split("\n").pop()!);
}

/** An sso-access command in a fresh process, its output discarded: wall time and peak memory (bench/command.ts). */
function command(...args: string[]): { seconds: number; rssMB: number } {
  const result = spawnSync(process.execPath, [...REGISTER, path.join(ROOT, "bench", "command.ts"), ...args], {
    cwd: ROOT,
    encoding: "utf8",
    stdio: ["ignore", "ignore", "pipe"],
  });
  if (result.status !== 0 && result.status !== 2) throw new Error(`${args.join(" ")} exited ${result.status}: ${result.stderr.slice(0, 2000)}`);
  return JSON.parse(result.stderr.trim().split("\n").pop()!);
}

/**
 * `--size wide`: the review of an organization where 5,000 people hold ReadOnly on 1,000 accounts through one group
 * and one assignment entry (five million grants): `diff` against each of WIDE_EDITS, and `check`, in fresh processes.
 */
function wide(runs: number): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sso-access-bench-wide-"));
  const write = (name: string, matrix: ReturnType<typeof generateWide>) => {
    const file = path.join(dir, `${name}.yaml`);
    fs.writeFileSync(file, dump(matrix, { lineWidth: 200, noRefs: true }));
    return file;
  };
  const base = write("base", generateWide());
  const f = (n: number, digits = 2) => n.toFixed(digits);
  const rows = [["check", `${f(median(Array.from({ length: runs }, () => wall([BIN, "check", base]))))} s`, "", ""]];
  const json: Record<string, { seconds: number; rssMB: number }> = {};
  (Object.keys(WIDE_EDITS) as (keyof typeof WIDE_EDITS)[]).forEach((edit, i) => {
    const edited = write(`edit-${i}`, generateWide(edit));
    const measured = Array.from({ length: runs }, () => command("diff", base, edited));
    json[edit] = { seconds: median(measured.map((m) => m.seconds)), rssMB: median(measured.map((m) => m.rssMB)) };
    rows.push([`diff: ${edit}`, `${f(json[edit].seconds)} s`, `${f(json[edit].rssMB, 0)} MB`, "20 s, 1.5 GB"]);
  });
  const paint = (_: string, t: string) => t;
  process.stdout.write(`${renderTable([`wide: 5,000 people x 1,000 accounts (medians of ${runs})`, "time", "peak memory", "target"], rows, paint)}\n\n`);
  process.stdout.write(`${JSON.stringify({ size: "wide", diff: json })}\n`);
  fs.rmSync(dir, { recursive: true, force: true });
}

/**
 * Adoption at this size: `adopt` of the organization's snapshot in fresh processes, and the calls `snapshot` makes
 * to read it by each plan, counted against the fake AWS of the tests (pages of 100 items, the APIs' usual maximum).
 */
async function adoption(size: Size, seed: number, dir: string, runs: number) {
  const snapshot = snapshotOf(generate(size, seed));
  const file = path.join(dir, "snapshot.json");
  fs.writeFileSync(file, JSON.stringify(snapshot, null, 2));
  const adopt = Array.from({ length: runs }, (_, i) => command("adopt", "--snapshot", file, "--out", path.join(dir, `adopted-${i}`)));
  const calls: Record<string, number> = {};
  for (const plan of ["principal", "provisioned"] as const) {
    const fake = new FakeAws(snapshot, { pageSize: 100 });
    calls[plan] = (await readSnapshot(fake.clients(), { region: snapshot.region, plan })).calls;
  }
  return { seconds: median(adopt.map((a) => a.seconds)), rssMB: median(adopt.map((a) => a.rssMB)), calls };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { size: { type: "string", default: "S" }, runs: { type: "string" }, seed: { type: "string", default: "1" } } });
  if (values.size === "wide") return wide(Number(values.runs ?? 3));
  const size = values.size as Size;
  if (!(size in SIZES)) throw new Error(`--size is one of ${Object.keys(SIZES).join(", ")}, wide`);
  const runs = Number(values.runs ?? (size === "L" ? 3 : 5));
  const seed = Number(values.seed);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `sso-access-bench-${size}-`));
  const file = path.join(dir, "access.yaml");
  fs.writeFileSync(file, generateYaml(size, seed));
  const planFile = path.join(dir, "plan.json");
  const loaded = loadMatrixFile(file);
  if (!loaded.ok) throw new MatrixError(loaded.problems);
  const valid = loaded.value;
  const plan = expand(valid);
  const resources = planDecls(plan).filter((d) => d.type.startsWith("aws:")).length;
  process.stderr.write(`${size}: ${plan.assignments.length} assignments, ${resources} AWS resources; ${runs} runs each\n`);
  process.stderr.write(`program and floor run as node ${[...pulumiNodeArgs(), ...REGISTER].join(" ")} (Pulumi.yaml nodeargs)\n`);

  const check = median(Array.from({ length: runs }, () => wall([BIN, "check", file])));
  const planSeconds = median(Array.from({ length: runs }, (_, i) => wall([BIN, "plan", "--json", file], i === 0 ? planFile : undefined)));
  // The review: who in full, and diff of the organization against itself with one everyday edit (a new member).
  const edited = path.join(dir, "edited.yaml");
  fs.writeFileSync(edited, dump(CHURN_CASES.find((c) => c.name === "add a user to a group")!.edit(generate(size, seed)), { lineWidth: 200, noRefs: true }));
  const who = Array.from({ length: runs }, () => command("who", file));
  const diff = Array.from({ length: runs }, () => command("diff", file, edited));
  const adopted = await adoption(size, seed, dir, runs);
  const program: ReturnType<typeof measured>[] = [];
  const floor: ReturnType<typeof measured>[] = [];
  const batched: ReturnType<typeof measured>[] = [];
  for (let i = 0; i < runs; i++) {
    // Alternate, so that a slow moment of the machine falls on all three.
    program.push(measured("program.ts", file));
    floor.push(measured("floor.ts", planFile));
    batched.push(measured("floor.ts", planFile, "batched"));
    const t = (m: ReturnType<typeof measured>[]) => `${m[i].seconds.toFixed(2)} s`;
    process.stderr.write(`  run ${i + 1}: program ${t(program)}, floor ${t(floor)}, batched floor ${t(batched)}\n`);
  }
  const programSeconds = median(program.map((p) => p.seconds));
  const floorSeconds = median(floor.map((p) => p.seconds));
  const batchedFloorSeconds = median(batched.map((p) => p.seconds));
  const programRssMB = median(program.map((p) => p.rssMB));
  const floorRssMB = median(floor.map((p) => p.rssMB));
  const batchedFloorRssMB = median(batched.map((p) => p.rssMB));

  const f = (n: number, digits = 2) => n.toFixed(digits);
  const rows = [
    ["check", `${f(check)} s`, ""],
    ["plan --json", `${f(planSeconds)} s`, ""],
    ["who (every grant)", `${f(median(who.map((w) => w.seconds)))} s`, `${f(median(who.map((w) => w.rssMB)), 0)} MB`],
    ["diff against one edit", `${f(median(diff.map((d) => d.seconds)))} s`, `${f(median(diff.map((d) => d.rssMB)), 0)} MB`],
    ["adopt of its snapshot", `${f(adopted.seconds)} s`, `${f(adopted.rssMB, 0)} MB`],
    ["snapshot calls, per principal", String(adopted.calls.principal), ""],
    ["snapshot calls, per provisioned pair", String(adopted.calls.provisioned), ""],
    ["program under mocks", `${f(programSeconds)} s`, `${f(programRssMB, 0)} MB`],
    ["floor (same resources, registered directly)", `${f(floorSeconds)} s`, `${f(floorRssMB, 0)} MB`],
    ["program / floor", `${f(programSeconds / floorSeconds)}x`, `${f(programRssMB / floorRssMB)}x`],
    ["floor in batches, as the program declares", `${f(batchedFloorSeconds)} s`, `${f(batchedFloorRssMB, 0)} MB`],
    ["program / floor in batches", `${f(programSeconds / batchedFloorSeconds)}x`, `${f(programRssMB / batchedFloorRssMB)}x`],
    ["program per AWS resource", `${f((programSeconds / resources) * 1000)} ms`, `${f((programRssMB / resources) * 1024, 0)} KB`],
  ];
  const paint = (_: string, t: string) => t;
  process.stdout.write(
    `${renderTable([`size ${size} (${plan.assignments.length} assignments, ${resources} AWS resources, medians of ${runs})`, "time", "peak memory"], rows, paint)}\n\n`,
  );

  if (size === "M") {
    const churn = measureChurn(valid, loadGenerated);
    const churnRows = churn.map((c) => [
      c.name,
      `${c.created}/${c.replaced}/${c.deleted}`,
      `${c.minimum.created}/${c.minimum.replaced}/${c.minimum.deleted}`,
      String(c.updated),
    ]);
    process.stdout.write(`${renderTable(["edit (AWS resources)", "created/replaced/deleted", "minimum", "updated in place"], churnRows, paint)}\n\n`);
  }

  process.stdout.write(
    `${JSON.stringify({ size, assignments: plan.assignments.length, resources, checkSeconds: check, planSeconds, whoSeconds: median(who.map((w) => w.seconds)), diffSeconds: median(diff.map((d) => d.seconds)), adoptSeconds: adopted.seconds, adoptRssMB: adopted.rssMB, snapshotCalls: adopted.calls, programSeconds, floorSeconds, programRssMB, floorRssMB, batchedFloorSeconds, batchedFloorRssMB })}\n`,
  );
  fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
