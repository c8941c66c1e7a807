import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { displayName, type LoadResult } from "../matrix/checks/pipeline";
import { capture, ROOT } from "./cliRun";
import type { RecordingMocks } from "./mocks";

/**
 * The driver of the broken-file corpus (test/fixtures/invalid): one file through the three ways it can be read,
 * loadMatrixFile, `sso-access check` (in process) and the Pulumi program under mocks, with the file loaded once.
 *
 * While it runs, loadMatrixFile is wrapped: every call is recorded (which file, under which name, with which
 * options), and a call that reads the same file as the first, under the same name with the same options, gets the
 * first call's very result instead of reading the file again. So `check` and the program still run all their own
 * code, and the test can assert that what each prints comes from the one list of problems.
 */

type LoadMatrixFile = typeof import("../matrix/checks/pipeline").loadMatrixFile;
// The module object itself: the CLI and index.ts call loadMatrixFile through it, so replacing the export reaches them.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const pipeline = require("../matrix/checks/pipeline") as { loadMatrixFile: LoadMatrixFile };

/** One call of loadMatrixFile during a run. */
export interface Load {
  /** The absolute path it read. */
  readonly file: string;
  /** The name it gives the file in messages. */
  readonly shown: string;
  readonly options: string;
  readonly result: LoadResult;
}

export interface CorpusRun {
  /** Every loadMatrixFile call, in order: the test's own, then those of `check` and of the program. */
  readonly loads: Load[];
  /** What `sso-access check FILE` returned and printed. */
  readonly check: { code: number; out: string; err: string };
  /** How the program ended: the error it was rejected with, or `resolved`. */
  readonly program: { resolved: true } | { resolved: false; error: unknown };
  readonly registrations: RecordingMocks["registrations"];
  readonly stackReferences: RecordingMocks["stackReferences"];
}

/**
 * The program function of index.ts, loaded once (after the mocks, as Pulumi's testing guide requires): the program
 * keeps no state in its module, so one copy serves every file, where runIndex reloads index.ts for each.
 */
let loadedProgram: typeof import("../index") | undefined;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const theProgram = () => (loadedProgram ??= require("../index") as typeof import("../index"));

/** Runs `file` (relative to the project root) through loadMatrixFile, `check` and the program; mocks are installed. */
export async function runCorpusFile(file: string, mocks: RecordingMocks): Promise<CorpusRun> {
  const real = pipeline.loadMatrixFile;
  const loads: Load[] = [];
  pipeline.loadMatrixFile = (name, cwd = process.cwd(), options = {}) => {
    const call = { file: path.resolve(cwd, name), shown: displayName(name, cwd), options: JSON.stringify(options) };
    const first = loads[0];
    const same = first !== undefined && first.file === call.file && first.shown === call.shown && first.options === call.options;
    const result = same ? first.result : real(name, cwd, options);
    loads.push({ ...call, result });
    return result;
  };
  try {
    pipeline.loadMatrixFile(file, ROOT);
    const check = capture(["check", file]);
    mocks.reset();
    pulumi.runtime.setAllConfig({ "sso-access:accessFile": file });
    const program = await theProgram()().then(
      () => ({ resolved: true }) as const,
      (error: unknown) => ({ resolved: false, error }) as const,
    );
    return { loads, check, program, registrations: mocks.registrations, stackReferences: mocks.stackReferences };
  } finally {
    pipeline.loadMatrixFile = real;
  }
}
