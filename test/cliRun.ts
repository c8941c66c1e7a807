import * as path from "node:path";
import { run, runAsync } from "../cli/main";

export const ROOT = path.resolve(__dirname, "..");

/** Runs one sso-access command line in `cwd` (default: the project root) and captures what it prints. */
export function capture(argv: string[], options: { cwd?: string; color?: boolean } = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const cwd = process.cwd();
  process.chdir(options.cwd ?? ROOT);
  try {
    const strip = (t: string) => t.replace(/\n$/, "");
    const code = run(argv, { out: (t) => out.push(strip(t)), err: (t) => err.push(strip(t)), color: options.color ?? false });
    return { code, out: out.join("\n"), err: err.join("\n") };
  } finally {
    process.chdir(cwd);
  }
}

/** capture, for a command that finishes later (snapshot): the working directory stays `cwd` until it does. */
export async function captureAsync(argv: string[], options: { cwd?: string } = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const cwd = process.cwd();
  process.chdir(options.cwd ?? ROOT);
  try {
    const strip = (t: string) => t.replace(/\n$/, "");
    const code = await runAsync(argv, { out: (t) => out.push(strip(t)), err: (t) => err.push(strip(t)), color: false });
    return { code, out: out.join("\n"), err: err.join("\n") };
  } finally {
    process.chdir(cwd);
  }
}
