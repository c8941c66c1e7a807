import * as path from "node:path";
import { run, runAsync } from "../cli/main";

export const ROOT = path.resolve(__dirname, "..");

/** Runs one sso-access command line in `cwd` (default: the project root) and captures what it prints. */
export function capture(argv: string[], options: { cwd?: string; color?: boolean } = {}) {
  return inFolder(options.cwd, (io, result) => result(run(argv, { ...io, color: options.color ?? false })));
}

/** capture, for a command that finishes later (snapshot, drift): the working directory stays `cwd` until it does. */
export async function captureAsync(argv: string[], options: { cwd?: string } = {}) {
  return inFolder(options.cwd, async (io, result) => result(await runAsync(argv, { ...io, color: false })));
}

type Captured = { code: number; out: string; err: string };

/** Runs `body` in `cwd` with an output that records what is printed; the working directory is restored after. */
function inFolder<R extends Captured | Promise<Captured>>(
  cwd: string | undefined,
  body: (io: { out(t: string): void; err(t: string): void }, result: (code: number) => Captured) => R,
): R {
  const out: string[] = [];
  const err: string[] = [];
  const strip = (t: string) => t.replace(/\n$/, "");
  const before = process.cwd();
  process.chdir(cwd ?? ROOT);
  const restore = () => process.chdir(before);
  try {
    const done = body({ out: (t) => out.push(strip(t)), err: (t) => err.push(strip(t)) }, (code) => ({ code, out: out.join("\n"), err: err.join("\n") }));
    if (done instanceof Promise) return done.finally(restore) as R;
    restore();
    return done;
  } catch (error) {
    restore();
    throw error;
  }
}
