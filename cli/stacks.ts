import * as fs from "node:fs";
import * as path from "node:path";
import { CORE_SCHEMA, load } from "js-yaml";
import { decodeText, type TextResult } from "../matrix/read/source";
import { UsageError } from "./commands/context";

/**
 * The stack configuration: which access file a stack deploys, and the settings that decide what a deployment may do.
 * A review must read the file `pulumi up` will deploy, so commands take it from the stack (`--stack NAME`, or the
 * one stack of the project) rather than assuming access.yaml, and `diff --base` reads the stack at both revisions.
 * The files are found as Pulumi finds them: the project file (Pulumi.yaml or Pulumi.yml, not both), its
 * `stackConfigDir`, `Pulumi.<stack>` with the project file's extension; anything Pulumi could read another way
 * (both extensions, YAML merge keys in config) is refused rather than guessed.
 */

/** What the project gives `sso-access:accessFile` when neither it nor the stack names one. */
export const DEFAULT_ACCESS_FILE = "access.yaml";

/** Reads a file of the project, as a revision or the working tree has it; undefined when it does not exist. */
export type ReadProjectFile = (relative: string) => TextResult | undefined;

export const readOnDisk =
  (dir: string): ReadProjectFile =>
  (relative) => {
    const file = path.join(dir, relative);
    return fs.existsSync(file) && fs.statSync(file).isFile() ? decodeText(fs.readFileSync(file), relative) : undefined;
  };

function yamlOf(text: TextResult | undefined, shown: string): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  if (!text.ok) throw new UsageError(`${shown} is not UTF-8 text`);
  let doc: unknown;
  try {
    doc = load(text.text, { schema: CORE_SCHEMA, filename: shown });
  } catch (error) {
    throw new UsageError(`${shown} is not YAML that Pulumi reads: ${(error as Error).message.split("\n")[0]}`);
  }
  if (doc !== null && doc !== undefined && (typeof doc !== "object" || Array.isArray(doc))) throw new UsageError(`${shown} is not a mapping`);
  return (doc ?? {}) as Record<string, unknown>;
}

/** `sso-access:` settings of a config mapping by key without the prefix; bare keys too when `bare` (Pulumi.yaml). */
function settingsOf(config: unknown, shown: string, bare: boolean): Record<string, string> {
  if (config === undefined || config === null) return {};
  if (typeof config !== "object" || Array.isArray(config)) throw new UsageError(`${shown}: config must be a mapping of keys to values`);
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(config as Record<string, unknown>)) {
    if (key === "<<") throw new UsageError(`${shown}: a YAML merge key in config hides which settings it sets; write them out`);
    const name = /^sso-access:(?:config:)?(.+)$/.exec(key)?.[1] ?? (bare && !key.includes(":") ? key : undefined);
    if (name === undefined) continue;
    const project = bare && typeof value === "object" && value !== null && !Array.isArray(value);
    const v = project ? ((value as { default?: unknown; value?: unknown }).default ?? (value as { value?: unknown }).value) : value;
    if (v === undefined) continue;
    const secure = typeof v === "object" && v !== null && "secure" in v;
    out[name] = secure ? "(secret)" : typeof v === "object" ? JSON.stringify(v) : String(v);
  }
  return out;
}

/** The project: its file's extension, where its stack files are, and the settings it gives every stack. */
function projectOf(read: ReadProjectFile): { ext: string; dir: string; settings: Record<string, string> } {
  const [yaml, yml] = [read("Pulumi.yaml"), read("Pulumi.yml")];
  if (yaml && yml) throw new UsageError("both Pulumi.yaml and Pulumi.yml exist; Pulumi reads one: keep one");
  const ext = yml ? "yml" : "yaml";
  const project = yamlOf(yaml ?? yml, `Pulumi.${ext}`) ?? {};
  const dir = typeof project.stackConfigDir === "string" ? path.posix.normalize(project.stackConfigDir) : ".";
  if (path.posix.isAbsolute(dir) || dir.startsWith("..")) throw new UsageError(`Pulumi.${ext}: stackConfigDir "${dir}" leaves the project folder`);
  return { ext, dir, settings: settingsOf(project.config, `Pulumi.${ext}`, true) };
}

/** The file of a stack, relative to the project folder (a fully qualified name org/project/stack uses its last part). */
export function stackFileOf(read: ReadProjectFile, stack: string, project = projectOf(read)): string {
  const { ext, dir } = project;
  const name = stack.split("/").pop()!;
  const other = path.posix.join(dir, `Pulumi.${name}.${ext === "yaml" ? "yml" : "yaml"}`);
  if (read(other)) throw new UsageError(`${other} is not the file Pulumi reads for stack ${name} (the project file is Pulumi.${ext}); remove it`);
  return path.posix.join(dir, `Pulumi.${name}.${ext}`);
}

/** A stack's settings: the project's defaults, then the stack file's values. An absent stack file gives the defaults. */
export function stackSettings(read: ReadProjectFile, stack: string): Record<string, string> {
  const project = projectOf(read);
  const file = stackFileOf(read, stack, project);
  return { ...project.settings, ...settingsOf(yamlOf(read(file), file)?.config, file, false) };
}

/** The stacks of the project folder, by name. */
export function stackNames(dir: string): string[] {
  const { ext, dir: configDir } = projectOf(readOnDisk(dir));
  const folder = path.join(dir, configDir);
  if (!fs.existsSync(folder)) return [];
  const pattern = new RegExp(`^Pulumi\\.(.+)\\.${ext}$`);
  return fs
    .readdirSync(folder)
    .map((f) => pattern.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .sort();
}

/**
 * The stack a command reads when none is named: the one stack of the project, or none when there is no stack
 * file. Several stacks need `--stack`, unless they all deploy the same file.
 */
export function chooseStack(dir: string, stack: string | undefined): string | undefined {
  if (stack !== undefined) {
    if (!readOnDisk(dir)(stackFileOf(readOnDisk(dir), stack)))
      throw new UsageError(`no stack "${stack}" here: stacks: ${stackNames(dir).join(", ") || "none"}`);
    return stack;
  }
  const stacks = stackNames(dir);
  if (stacks.length <= 1) return stacks[0];
  const files = new Set(stacks.map((s) => accessFileIn(stackSettings(readOnDisk(dir), s))));
  if (files.size === 1) return stacks[0];
  throw new UsageError(`the stacks ${stacks.join(", ")} deploy different access files; name one with --stack NAME, or name the file`);
}

/** The access file settings name, which must lie inside the project folder (a review reads nothing outside it). */
export function accessFileIn(settings: Readonly<Record<string, string>>): string {
  const file = settings.accessFile ?? DEFAULT_ACCESS_FILE;
  const normal = path.posix.normalize(file.replace(/\\/g, "/"));
  if (path.isAbsolute(file) || path.posix.isAbsolute(normal) || normal === ".." || normal.startsWith("../")) {
    throw new UsageError(`sso-access:accessFile "${file}" is outside the project folder; keep the access file in it`);
  }
  return file;
}

/** The access file a command reads: the one named, or the one the chosen stack deploys. */
export function accessFileOf(file: string | undefined, stack: string | undefined, dir = process.cwd()): string {
  if (file !== undefined && stack !== undefined) throw new UsageError("name the access file or a --stack, not both: the stack names its file");
  if (file !== undefined) return file;
  const chosen = chooseStack(dir, stack);
  return chosen === undefined ? accessFileIn(projectOf(readOnDisk(dir)).settings) : accessFileIn(stackSettings(readOnDisk(dir), chosen));
}
