import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { dump, load } from "js-yaml";
import { painter, renderTable } from "../cli/output";
import { expand } from "../matrix/expand/expand";
import { loadMatrixFile } from "../matrix/checks/pipeline";
import { MatrixError } from "../matrix/common/problems";
import { planDecls } from "../matrix/expand/plan";
import { FLOOR_ORDERS, floorInput } from "./floorInput";
import { CHURN_CASES, measureChurn } from "./churn";
import { SIZES, WIDE_EDITS, generate, generateWide, generateYaml, loadGenerated, snapshotOf, type Size } from "./generate";
import { readSnapshot } from "../cli/snapshot/reader";
import { FakeAws } from "../test/fakeAws";

/**
 * `npm run bench -- --size S|M|L|one-account|big-group|many-users|wide [--runs N] [--seed N]`: generates an
 * organization, then measures, each run in a fresh process: `check`, `plan --json`, `who`, `diff`, `adopt`, the whole
 * program under Pulumi mocks, and the floor (the same AWS resources registered directly, by the best schedule
 * found). Prints a table, the churn of scripted edits, and as its last line one JSON object.
 * `--search-floor [--batches 0,5,25]` measures the floor under each schedule instead.
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

/** Tables are printed without colour; figures with two decimals unless told. */
const PLAIN = painter(false);
const f = (n: number, digits = 2) => n.toFixed(digits);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function wall(args: string[]): number {
  const start = performance.now();
  const result = spawnSync(process.execPath, args, { cwd: ROOT, encoding: "utf8", maxBuffer: 512 * 1024 * 1024 });
  const seconds = (performance.now() - start) / 1000;
  if (result.status !== 0) throw new Error(`${args.join(" ")} exited ${result.status}: ${result.stderr.slice(0, 2000)}`);
  return seconds;
}

function measured(script: string, input: string[], env: Record<string, string> = {}): { seconds: number; rssMB: number; resources: number } {
  const args = [...pulumiNodeArgs(), ...REGISTER, path.join(ROOT, "bench", script), ...input];
  const result = spawnSync(process.execPath, args, { cwd: ROOT, encoding: "utf8", env: { ...process.env, ...env } });
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
  const rows = [["check", `${f(median(Array.from({ length: runs }, () => wall([BIN, "check", base]))))} s`, "", ""]];
  const json: Record<string, { seconds: number; rssMB: number }> = {};
  (Object.keys(WIDE_EDITS) as (keyof typeof WIDE_EDITS)[]).forEach((edit, i) => {
    const edited = write(`edit-${i}`, generateWide(edit));
    const measured = Array.from({ length: runs }, () => command("diff", base, edited));
    json[edit] = { seconds: median(measured.map((m) => m.seconds)), rssMB: median(measured.map((m) => m.rssMB)) };
    rows.push([`diff: ${edit}`, `${f(json[edit].seconds)} s`, `${f(json[edit].rssMB, 0)} MB`, "20 s, 1.5 GB"]);
  });
  process.stdout.write(`${renderTable([`wide: 5,000 people x 1,000 accounts (medians of ${runs})`, "time", "peak memory", "target"], rows, PLAIN)}\n\n`);
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

/**
 * The floor's schedule, found by `--search-floor` (bench/README.md, how the floor was searched): the fastest median
 * at M and L among batch sizes and orders.
 */
export const FLOOR_SCHEDULE = { batch: 25, order: "plan" } as const;

type Measured = ReturnType<typeof measured>;
const floorArgs = (input: string, schedule: { batch: number; order: string }) => [input, "--batch", String(schedule.batch), "--order", schedule.order];
/** The program with the SDK's default stack traces (Node's 10 frames), as any other Pulumi program runs. */
const DEFAULT_STACKS = { SSO_ACCESS_STACK_TRACE_LIMIT: "10", PULUMI_DEBUG_PROMISE_LEAKS: "" };
/** The program as shipped, whatever the caller's environment says about stack traces. */
const SHIPPED = { SSO_ACCESS_STACK_TRACE_LIMIT: "", PULUMI_DEBUG_PROMISE_LEAKS: "" };

/** A generated organization written to `dir`: its access.yaml, the floor's input, and the plan. */
function prepare(size: Size, seed: number, dir: string) {
  const file = path.join(dir, "access.yaml");
  fs.writeFileSync(file, generateYaml(size, seed));
  const loaded = loadMatrixFile(file);
  if (!loaded.ok) throw new MatrixError(loaded.problems);
  const plan = expand(loaded.value);
  const floorFile = path.join(dir, "floor.json");
  fs.writeFileSync(floorFile, JSON.stringify(floorInput(plan, "sso-access", "bench")));
  const resources = planDecls(plan).filter((d) => d.type.startsWith("aws:")).length;
  return { file, floorFile, valid: loaded.value, plan, resources };
}

/**
 * `--search-floor`: the floor under every schedule (batch sizes, including 0, one loop, and both orders), the
 * schedules alternating run by run so that a slow moment of the machine falls on all; medians, fastest first.
 */
function searchFloor(size: Size, seed: number, runs: number, dir: string, batches: number[]): void {
  const { floorFile, resources } = prepare(size, seed, dir);
  const schedules = batches.flatMap((batch) => FLOOR_ORDERS.map((order) => ({ batch, order })));
  const results = schedules.map(() => [] as Measured[]);
  for (let i = 0; i < runs; i++) {
    schedules.forEach((schedule, j) => results[j].push(measured("floor.ts", floorArgs(floorFile, schedule))));
    process.stderr.write(`  round ${i + 1} of ${runs} done\n`);
  }
  const rows = schedules
    .map((schedule, j) => ({ ...schedule, seconds: median(results[j].map((m) => m.seconds)), rssMB: median(results[j].map((m) => m.rssMB)) }))
    .sort((a, b) => a.seconds - b.seconds);
  const table = rows.map((r) => [
    `${r.batch === 0 ? "one loop" : `every ${r.batch}`}, ${r.order} order`,
    `${r.seconds.toFixed(2)} s`,
    `${r.rssMB.toFixed(0)} MB`,
  ]);
  process.stdout.write(`${renderTable([`floor of ${size} (${resources} AWS resources), medians of ${runs}`, "time", "peak memory"], table, PLAIN)}\n\n`);
  process.stdout.write(`${JSON.stringify({ size, resources, floorSchedules: rows })}\n`);
}

/**
 * `--size many-users`: `check` and `plan --json` as users grow on L's organization (5,000, 20,000 and 40,000 users,
 * each in one or two of its groups), in fresh processes, alternating. Linear means a user added from 20,000 to
 * 40,000 costs what one added from 5,000 to 20,000 did. The program is not run at this size: 40,000 users are about
 * 130,000 resources, and the program's memory on a large part is measured by the other cliffs.
 */
function usersScaling(runs: number, seed: number, dir: string): void {
  const counts = [SIZES.L.users, 20_000, SIZES["many-users"].users];
  const files = counts.map((users) => {
    const file = path.join(dir, `users-${users}.yaml`);
    fs.writeFileSync(file, dump(generate({ ...SIZES.L, users }, seed), { lineWidth: 200, noRefs: true }));
    return file;
  });
  const rows: string[][] = [];
  const json: Record<string, unknown> = { size: "many-users", users: counts };
  for (const [name, args] of [
    ["check", ["check"]],
    ["plan --json", ["plan", "--json"]],
  ] as const) {
    const seconds = counts.map(() => [] as number[]);
    for (let i = 0; i < runs; i++) files.forEach((file, j) => seconds[j].push(wall([BIN, ...args, file])));
    const t = seconds.map(median);
    const perUser = [(t[1] - t[0]) / (counts[1] - counts[0]), (t[2] - t[1]) / (counts[2] - counts[1])];
    counts.forEach((users, j) =>
      rows.push([`${name}, ${users.toLocaleString("en-US")} users`, `${f(t[j])} s`, j === 0 ? "" : `${f(perUser[j - 1] * 1e6, 1)} µs`]),
    );
    rows.push([`${name}: a user from 20,000 to 40,000 / from 5,000 to 20,000 (target 1.2x)`, `${f(perUser[1] / perUser[0])}x`, ""]);
    const key = name === "check" ? "check" : "plan";
    Object.assign(json, { [`${key}Seconds`]: t, [`${key}PerUserMicroseconds`]: perUser.map((p) => p * 1e6), [`${key}PerUserRatio`]: perUser[1] / perUser[0] });
  }
  process.stdout.write(`${renderTable([`L with more users (medians of ${runs})`, "time", "per added user"], rows, PLAIN)}\n\n`);
  process.stdout.write(`${JSON.stringify(json)}\n`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      size: { type: "string", default: "S" },
      runs: { type: "string" },
      seed: { type: "string", default: "1" },
      "search-floor": { type: "boolean" },
      batches: { type: "string", default: "0,5,10,25,50,100,250" },
    },
  });
  if (values.size === "wide") return wide(Number(values.runs ?? 3));
  const size = values.size as Size;
  if (!(size in SIZES)) throw new Error(`--size is one of ${Object.keys(SIZES).join(", ")}, wide`);
  const large = SIZES[size].assignments >= SIZES.L.assignments;
  // many-users compares differences of medians, which the machine's noise moves most: more runs.
  const runs = Number(values.runs ?? (size === "many-users" ? 7 : large ? 3 : 5));
  const seed = Number(values.seed);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `sso-access-bench-${size}-`));
  try {
    const batches = values.batches.split(",").map(Number);
    if (batches.some((b) => !Number.isInteger(b) || b < 0)) throw new Error(`--batches is a list of whole numbers (0: one loop), such as 0,5,25`);
    if (values["search-floor"]) return searchFloor(size, seed, runs, dir, batches);
    if (size === "many-users") return usersScaling(runs, seed, dir);
    await bench(size, seed, runs, dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function bench(size: Size, seed: number, runs: number, dir: string): Promise<void> {
  const { file, floorFile, valid, plan, resources } = prepare(size, seed, dir);
  process.stderr.write(`${size}: ${plan.assignments.length} assignments, ${resources} AWS resources; ${runs} runs each\n`);
  process.stderr.write(`program and floor run as node ${[...pulumiNodeArgs(), ...REGISTER].join(" ")} (Pulumi.yaml nodeargs)\n`);

  const check = median(Array.from({ length: runs }, () => wall([BIN, "check", file])));
  const planSeconds = median(Array.from({ length: runs }, () => wall([BIN, "plan", "--json", file])));
  // The review: who in full, and diff of the organization against itself with one everyday edit (a new member).
  const edited = path.join(dir, "edited.yaml");
  fs.writeFileSync(edited, dump(CHURN_CASES.find((c) => c.name === "add a user to a group")!.edit(generate(size, seed)), { lineWidth: 200, noRefs: true }));
  const who = Array.from({ length: runs }, () => command("who", file));
  const diff = Array.from({ length: runs }, () => command("diff", file, edited));
  const adopted = await adoption(size, seed, dir, runs);
  const series = { program: [] as Measured[], tuned: [] as Measured[], floor: [] as Measured[], loop: [] as Measured[] };
  for (let i = 0; i < runs; i++) {
    // Alternate, so that a slow moment of the machine falls on all four.
    series.program.push(measured("program.ts", [file], DEFAULT_STACKS));
    series.tuned.push(measured("program.ts", [file], SHIPPED));
    series.floor.push(measured("floor.ts", floorArgs(floorFile, FLOOR_SCHEDULE)));
    series.loop.push(measured("floor.ts", floorArgs(floorFile, { batch: 0, order: "plan" })));
    const t = (m: Measured[]) => `${m[i].seconds.toFixed(2)} s ${m[i].rssMB.toFixed(0)} MB`;
    process.stderr.write(
      `  run ${i + 1}: program ${t(series.program)} (tuned ${t(series.tuned)}), floor ${t(series.floor)}, one-loop floor ${t(series.loop)}\n`,
    );
  }
  const seconds = (m: Measured[]) => median(m.map((p) => p.seconds));
  const rss = (m: Measured[]) => median(m.map((p) => p.rssMB));
  const [programSeconds, tunedProgramSeconds, floorSeconds, loopFloorSeconds] = [series.program, series.tuned, series.floor, series.loop].map(seconds);
  const [programRssMB, tunedProgramRssMB, floorRssMB, loopFloorRssMB] = [series.program, series.tuned, series.floor, series.loop].map(rss);
  // Each run's program against the same run's floor, which ran just after it: a slow stretch of a shared machine
  // falls on both, where the medians of each series may come from different stretches.
  const pairedRatios = (m: Measured[]) => ({
    seconds: median(m.map((p, i) => p.seconds / series.floor[i].seconds)),
    rss: median(m.map((p, i) => p.rssMB / series.floor[i].rssMB)),
  });
  const paired = pairedRatios(series.program);
  const pairedTuned = pairedRatios(series.tuned);

  const schedule = `every ${FLOOR_SCHEDULE.batch}, ${FLOOR_SCHEDULE.order} order`;
  const rows = [
    [`floor: the same resources, best schedule (${schedule})`, `${f(floorSeconds)} s`, `${f(floorRssMB, 0)} MB`],
    ["program under mocks, default stack traces", `${f(programSeconds)} s`, `${f(programRssMB, 0)} MB`],
    ["program / floor, run by run (target 1.10x, 1.0x)", `${f(paired.seconds)}x`, `${f(paired.rss)}x`],
    ["program / floor, of the medians", `${f(programSeconds / floorSeconds)}x`, `${f(programRssMB / floorRssMB)}x`],
    ["program as shipped (no stack frames)", `${f(tunedProgramSeconds)} s`, `${f(tunedProgramRssMB, 0)} MB`],
    ["program as shipped / floor, run by run (target below 1x)", `${f(pairedTuned.seconds)}x`, `${f(pairedTuned.rss)}x`],
    ["program as shipped / floor, of the medians", `${f(tunedProgramSeconds / floorSeconds)}x`, `${f(tunedProgramRssMB / floorRssMB)}x`],
    ["program peak memory per 1,000 AWS resources", "", `${f((programRssMB / resources) * 1000, 1)} MB`],
    ["check", `${f(check)} s`, ""],
    ["plan --json", `${f(planSeconds)} s`, ""],
    ["who (every grant)", `${f(median(who.map((w) => w.seconds)))} s`, `${f(median(who.map((w) => w.rssMB)), 0)} MB`],
    ["diff against one edit", `${f(median(diff.map((d) => d.seconds)))} s`, `${f(median(diff.map((d) => d.rssMB)), 0)} MB`],
    ["adopt of its snapshot", `${f(adopted.seconds)} s`, `${f(adopted.rssMB, 0)} MB`],
    ["snapshot calls, per principal", String(adopted.calls.principal), ""],
    ["snapshot calls, per provisioned pair", String(adopted.calls.provisioned), ""],
    ["footnote: floor in one loop, all in flight", `${f(loopFloorSeconds)} s`, `${f(loopFloorRssMB, 0)} MB`],
  ];
  process.stdout.write(
    `${renderTable([`size ${size} (${plan.assignments.length} assignments, ${resources} AWS resources, medians of ${runs})`, "time", "peak memory"], rows, PLAIN)}\n\n`,
  );

  if (size === "M") {
    const churn = measureChurn(valid, loadGenerated);
    const churnRows = churn.map((c) => [
      c.name,
      `${c.created}/${c.replaced}/${c.deleted}`,
      `${c.minimum.created}/${c.minimum.replaced}/${c.minimum.deleted}`,
      String(c.updated),
    ]);
    process.stdout.write(`${renderTable(["edit (AWS resources)", "created/replaced/deleted", "minimum", "updated in place"], churnRows, PLAIN)}\n\n`);
  }

  process.stdout.write(
    `${JSON.stringify({ size, assignments: plan.assignments.length, resources, checkSeconds: check, planSeconds, whoSeconds: median(who.map((w) => w.seconds)), diffSeconds: median(diff.map((d) => d.seconds)), adoptSeconds: adopted.seconds, adoptRssMB: adopted.rssMB, snapshotCalls: adopted.calls, programSeconds, floorSeconds, programRssMB, floorRssMB, floorSchedule: FLOOR_SCHEDULE, loopFloorSeconds, loopFloorRssMB, tunedProgramSeconds, tunedProgramRssMB, pairedRatios: { program: paired, tunedProgram: pairedTuned } })}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
