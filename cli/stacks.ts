import * as fs from "node:fs";
import * as path from "node:path";
import { CORE_SCHEMA, load } from "js-yaml";
import { decodeText, type TextResult } from "../matrix/read/source";
import { UsageError } from "./commands/context";

/**
 * The stack configuration: which access file a stack deploys, and the settings that decide what a deployment may do.
 * A review must read the file `pulumi up` will deploy, so commands take it from the stack (`--stack NAME`, or the
 * one stack of the project) rather than assuming access.yaml, and `diff --base` reads the stack at both revisions.
 */

/** What Pulumi.yaml gives `sso-access:accessFile` when a stack sets none. */
export const DEFAULT_ACCESS_FILE = "access.yaml";

/** The stack files of a project folder: `Pulumi.<stack>.yaml`, by stack name. */
export function stackNames(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .map((f) => /^Pulumi\.(.+)\.ya?ml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .sort();
}

/** The file of a stack, as a path relative to the project folder. */
export function stackFile(dir: string, stack: string): string {
  const yml = `Pulumi.${stack}.yml`;
  return fs.existsSync(path.join(dir, yml)) ? yml : `Pulumi.${stack}.yaml`;
}

/**
 * The `sso-access:` settings of a stack file's text, by key without the prefix (`accessFile`, `allowRemovals`...).
 * A secure (encrypted) value is kept as "(secret)". A file that is not a stack file is a mistake of the command line.
 */
export function stackSettings(text: TextResult | undefined, shown: string): Record<string, string> {
  if (text === undefined) return {};
  if (!text.ok) throw new UsageError(`${shown} is not UTF-8 text; it cannot be a stack file`);
  let doc: unknown;
  try {
    doc = load(text.text, { schema: CORE_SCHEMA, filename: shown });
  } catch (error) {
    throw new UsageError(`${shown} is not YAML that Pulumi reads: ${(error as Error).message.split("\n")[0]}`);
  }
  const config = (doc as { config?: unknown } | null)?.config;
  if (config === undefined || config === null) return {};
  if (typeof config !== "object" || Array.isArray(config)) throw new UsageError(`${shown}: config must be a mapping of keys to values`);
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(config as Record<string, unknown>)) {
    if (!key.startsWith("sso-access:")) continue;
    const secure = typeof value === "object" && value !== null && "secure" in value;
    out[key.slice("sso-access:".length)] = secure ? "(secret)" : typeof value === "object" ? JSON.stringify(value) : String(value);
  }
  return out;
}

/** The settings of a stack as they are on disk. */
export function stackSettingsOnDisk(dir: string, stack: string): Record<string, string> {
  const file = path.join(dir, stackFile(dir, stack));
  if (!fs.existsSync(file))
    throw new UsageError(`no stack "${stack}" here: there is no ${stackFile(dir, stack)}; stacks: ${stackNames(dir).join(", ") || "none"}`);
  return stackSettings(decodeText(fs.readFileSync(file), stackFile(dir, stack)), stackFile(dir, stack));
}

/**
 * The stack a command reads when none is named: the one stack of the project, or none when there is no stack
 * file. Several stacks need `--stack`, unless they all deploy the same file.
 */
export function chooseStack(dir: string, stack: string | undefined): string | undefined {
  if (stack !== undefined) return stack;
  const stacks = stackNames(dir);
  if (stacks.length <= 1) return stacks[0];
  const files = new Set(stacks.map((s) => stackSettingsOnDisk(dir, s).accessFile ?? DEFAULT_ACCESS_FILE));
  if (files.size === 1) return stacks[0];
  throw new UsageError(`the stacks ${stacks.join(", ")} deploy different access files; name one with --stack NAME, or name the file`);
}

/** The access file a command reads: the one named, or the one the chosen stack deploys. */
export function accessFileOf(file: string | undefined, stack: string | undefined, dir = process.cwd()): string {
  if (file !== undefined && stack !== undefined) throw new UsageError("name the access file or a --stack, not both: the stack names its file");
  if (file !== undefined) return file;
  const chosen = chooseStack(dir, stack);
  return chosen === undefined ? DEFAULT_ACCESS_FILE : (stackSettingsOnDisk(dir, chosen).accessFile ?? DEFAULT_ACCESS_FILE);
}
