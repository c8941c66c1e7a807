import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Grant } from "../matrix/review/effectiveAccess";
import { byText } from "../matrix/common/order";
import type { Plan } from "../matrix/expand/plan";
import { REGION } from "../matrix/aws/limits";
import { decodeText } from "../matrix/read/source";
import { DEFAULT_PROFILE_TEMPLATE, profileName, sanitize, sharedNames, templateMistake, workingTemplate } from "../matrix/review/profileNames";
import { shorten } from "../matrix/common/problems";
import { TRIMMING_SDKS, claims, splitLines, type Claim, type Line } from "./awsConfigReaders";

/**
 * `aws-config`: AWS CLI profiles for the access a user holds in access.yaml, in the format `aws configure sso`
 * writes (one `[sso-session]`, one `[profile]` per account and permission set), and a merge into an existing
 * config file that replaces only what an earlier run generated.
 *
 * The generated sections sit between two marker comments named after the session. Everything outside the markers
 * is kept byte for byte; the block itself is rewritten whole, so profiles for access that was removed disappear.
 */

/** The config file conflicts with what would be generated; the message starts with file:line:column. Nothing was written. */
export class ConfigError extends Error {}

/** An option value that cannot work (a profile template, session name or region): a command-line mistake. */
export class OptionError extends Error {}

export interface Profile {
  readonly name: string;
  readonly accountId: string;
  readonly accountName: string;
  readonly permissionSet: string;
}

export interface ConfigBlock {
  readonly session: string;
  readonly startUrl: string;
  readonly ssoRegion: string;
  /** The `region` of every profile: where the AWS CLI sends requests. */
  readonly region: string;
  readonly profiles: readonly Profile[];
}

/** `https://professional-af.awsapps.com/start` -> `professional-af`: the name `aws configure sso` users usually pick. */
export function defaultSessionName(startUrl: string): string {
  return sanitize(new URL(startUrl).hostname.split(".")[0]) || "sso";
}

/** One profile per account and permission set the user reaches, named from the template. Names must come out distinct. */
export function profilesFor(grants: readonly Grant[], template: string, session: string): Profile[] {
  const mistake = templateMistake(template);
  if (mistake) throw new OptionError(mistake);
  const profiles = grants.map((g) => ({
    name: profileName(template, g, session),
    accountId: g.accountId,
    accountName: g.accountName,
    permissionSet: g.permissionSet,
  }));
  const empty = profiles.find((p) => !p.name);
  if (empty) throw new OptionError(`the profile template "${template}" gives an empty name for ${empty.permissionSet} in ${empty.accountName}`);
  const [clash] = sharedNames(template, grants, session);
  if (clash) {
    const [name, [a, b]] = clash;
    const fix = workingTemplate(template, [grants], session);
    throw new OptionError(
      `profile name "${name}" would stand for both ${a.permissionSet} in ${a.accountName} and ${b.permissionSet} in ${b.accountName}; ${fix ? `use a template that tells them apart, e.g. "${fix}"` : "no template tells them apart: rename one of them in the access matrix"}`,
    );
  }
  return profiles.sort((a, b) => byText(a.name, b.name));
}

export function configBlock(plan: Plan, grants: readonly Grant[], options: { session?: string; region?: string; template?: string }): ConfigBlock {
  const session = options.session !== undefined ? sanitize(options.session) : defaultSessionName(plan.settings.startUrl);
  if (!session) throw new OptionError(`session name "${options.session}" has no letters or digits`);
  if (options.region !== undefined && !REGION.test(options.region))
    throw new OptionError(`--region "${options.region}" is not an AWS region such as us-east-1`);
  return {
    session,
    startUrl: plan.settings.startUrl,
    ssoRegion: plan.settings.region,
    region: options.region ?? plan.settings.region,
    profiles: profilesFor(grants, options.template ?? DEFAULT_PROFILE_TEMPLATE, session),
  };
}

const begin = (session: string) => `# BEGIN sso-access session ${session}: generated from access.yaml; changes up to END are replaced`;
const end = (session: string) => `# END sso-access session ${session}`;
const BEGIN_LINE = /^# BEGIN sso-access session (\S+?):?(?:\s|$)/;
const END_LINE = /^# END sso-access session (\S+)\s*$/;

/** The generated block, marker lines included, without a final line break. */
export function renderBlock(block: ConfigBlock, eol = "\n"): string {
  const lines = [
    begin(block.session),
    `[sso-session ${block.session}]`,
    `sso_start_url = ${block.startUrl}`,
    `sso_region = ${block.ssoRegion}`,
    "sso_registration_scopes = sso:account:access",
  ];
  for (const p of block.profiles) {
    lines.push(
      "",
      `[profile ${p.name}]`,
      `sso_session = ${block.session}`,
      `sso_account_id = ${p.accountId}`,
      `sso_role_name = ${p.permissionSet}`,
      `region = ${block.region}`,
    );
  }
  lines.push(end(block.session));
  return lines.join(eol);
}

/** The line break to write: CRLF or LF, as the file's first line feed is written; CR only in a file without line feeds. */
export function lineEnding(text: string): string {
  const lf = text.indexOf("\n");
  if (lf < 0) return text.includes("\r") ? "\r" : "\n";
  return text[lf - 1] === "\r" ? "\r\n" : "\n";
}

/** A generated block: the line indexes of its BEGIN and END lines (-1: no END line). */
interface Block {
  readonly session: string;
  readonly first: number;
  readonly last: number;
}

/**
 * Merges the block into the text of a config file: replaces the block of the same session where it is, or appends
 * it. The bytes outside the block are kept, and so is the file's line ending (CRLF, LF or CR). A section outside the
 * block that the AWS CLI or an AWS SDK would read as one the block generates is a conflict (see `refuseMerges`).
 */
export function mergeConfig(existing: string, block: ConfigBlock, file: string): string {
  const eol = lineEnding(existing);
  const rendered = renderBlock(block, eol);
  const lines = splitLines(existing);
  // A byte order mark belongs to the file, not to its first line.
  const bare = (i: number) => (i === 0 ? lines[i].text.replace(/^\uFEFF/, "") : lines[i].text);
  const blocks: Block[] = lines.flatMap((_, i) => {
    const session = BEGIN_LINE.exec(bare(i))?.[1];
    if (session === undefined) return [];
    const last = lines.findIndex((_l, j) => j > i && END_LINE.exec(bare(j))?.[1] === session);
    return [{ session, first: i, last }];
  });
  const own = blocks.filter((b) => b.session === block.session);
  if (own.length > 1)
    throw new ConfigError(`${file}:${own[1].first + 1}:1  a second generated block for session ${block.session}; delete one of them and run again`);
  if (own.length === 1 && own[0].last < 0) {
    throw new ConfigError(
      `${file}:${own[0].first + 1}:1  the generated block for session ${block.session} has no END line; restore it or delete the block, then run again`,
    );
  }
  let merged: string;
  let at: number;
  if (own.length === 1) {
    const { first, last } = own[0];
    const ending = lines[last].next > lines[last].start + lines[last].text.length ? eol : "";
    // Keep a byte order mark that sits before the block on the first line.
    at = lines[first].start + lines[first].text.length - bare(first).length;
    merged = `${existing.slice(0, at)}${rendered}${ending}${existing.slice(lines[last].next)}`;
  } else {
    const separator = existing === "" ? "" : `${/[\r\n]$/.test(existing) ? "" : eol}${eol}`;
    at = existing.length + separator.length;
    merged = `${existing}${separator}${rendered}${eol}`;
  }
  refuseMerges({ merged, at, rendered, own: own[0], blocks, block, file, lines });
  return merged;
}

/**
 * Refuses a merge that a reader would read otherwise than generated: a line outside the block that the AWS CLI or an
 * AWS SDK reads into a generated profile or sso-session. That is a section of the same name however it is written
 * (`[profile "x"]`, `[profile.x]`, `[profiles x]`...), a key after the block's END line before any section header
 * (it joins the last generated profile), or `[DEFAULT]` (the AWS CLI lends its keys to every section). The merged
 * text is what is read: line endings as they will be, the generated lines where they will be.
 */
function refuseMerges(m: {
  merged: string;
  at: number;
  rendered: string;
  own: Block | undefined;
  blocks: readonly Block[];
  block: ConfigBlock;
  file: string;
  lines: readonly Line[];
}): void {
  const generated = new Set([`sso-session ${m.block.session}`, ...m.block.profiles.map((p) => `profile ${p.name}`)]);
  const mergedLines = splitLines(m.merged);
  let first = 0;
  while (first + 1 < mergedLines.length && mergedLines[first + 1].start <= m.at) first++;
  const last = first + splitLines(m.rendered).length - 1;
  const found = claims(m.merged).filter((c) => (c.line < first || c.line > last) && (c.section === "*" || generated.has(c.section)));
  if (!found.length) return;
  const line = Math.min(...found.map((c) => c.line));
  const here = found.filter((c) => c.line === line);
  // The line in the file as it is now: lines after the block move by the difference in the block's length.
  const index = line > last && m.own ? line + m.own.last - last : line;
  const claim = here.find((c) => c.header) ?? here[0];
  throw new ConfigError(
    `${m.file}:${index + 1}:1  ${clashMessage(
      claim,
      here,
      m.lines[index].text.trim(),
      m.blocks.find((b) => index > b.first && (b.last < 0 || index < b.last)),
    )}`,
  );
}

function clashMessage(claim: Claim, here: readonly Claim[], written: string, within: Block | undefined): string {
  const readers = [...new Set(here.map((c) => c.reader))];
  const who = readers.length === 1 ? readers[0] : `${readers.slice(0, -1).join(", ")} and ${readers.at(-1)}`;
  const section = `[${claim.section}]`;
  if (within) {
    const lines = within.last < 0 ? `from line ${within.first + 1}, with no END line` : `lines ${within.first + 1}-${within.last + 1}`;
    return `${section} is generated for session ${within.session} (${lines}); write with --session ${within.session} to replace that block, or delete it`;
  }
  if (claim.section === "*")
    return `[DEFAULT] lends its keys to every section when the AWS CLI reads the file (Python's configparser), the generated ones too; move its keys into the sections that need them`;
  if (!claim.header)
    return `this line follows the generated block with no section header before it, so ${who} would read it into ${section}; move it under a section header or delete it`;
  const remedy = claim.section.startsWith("sso-session ") ? "or choose another name with --session" : "or choose other names with --profile-template";
  const as =
    written === section || (written === "[default]" && claim.section === "profile default")
      ? ""
      : `: ${who} ${readers.length === 1 && readers[0] !== TRIMMING_SDKS ? "reads" : "read"} ${shorten(written)} as that name`;
  return `${section} is already defined outside the generated block${as}; rename or delete it, ${remedy}`;
}

/**
 * Refuses a `--write` target that is plainly not an AWS config file: the access matrix itself, or any YAML or JSON
 * file (a policy file, a stack file). A mistyped path must never merge profiles into the file a review reads.
 */
export function checkConfigTarget(target: string, accessFile: string): void {
  const same = (a: string, b: string) => {
    try {
      return fs.realpathSync(a) === fs.realpathSync(b);
    } catch {
      return false;
    }
  };
  if (same(target, accessFile) || /\.(ya?ml|json)$/i.test(followLinks(target))) {
    throw new ConfigError(
      `${target}:1:1  this is not an AWS config file (it is the access matrix, or a YAML or JSON file); name the AWS config file, e.g. ~/.aws/config`,
    );
  }
}

export interface WriteResult {
  readonly file: string;
  readonly changed: boolean;
  /** Copy of the file as it was, when there was one. */
  readonly backup?: string;
  /** What the user should know about the file, e.g. that some readers cannot read it. */
  readonly note?: string;
}

/**
 * Merges the block into the config file: backup first, then an atomic replace (a temporary file in the same folder,
 * flushed, renamed over the file). A symbolic link (a dotfiles setup) is followed, so the link stays a link.
 */
export function writeConfig(file: string, block: ConfigBlock): WriteResult {
  const target = followLinks(file);
  let existing = "";
  let mode = 0o600;
  if (fs.existsSync(target)) {
    if (!fs.statSync(target).isFile()) throw new ConfigError(`${file}:1:1  this is not a file; name the AWS config file`);
    const bytes = fs.readFileSync(target);
    const decoded = decodeText(bytes, file);
    if (!decoded.ok) {
      const p = decoded.problems[0];
      throw new ConfigError(`${p.file}:${p.line}:${p.column}  the file is not UTF-8 text, as the AWS CLI expects; save it as UTF-8`);
    }
    existing = (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? "\uFEFF" : "") + decoded.text;
    mode = fs.statSync(target).mode & 0o777;
  }
  const text = mergeConfig(existing, block, file);
  // The AWS SDK for JavaScript ends lines at LF only: it reads such a file as one line, and finds no profile in it.
  const note =
    lineEnding(text) === "\r"
      ? `${file}: its lines end with CR only; the AWS CLI reads them, the AWS SDK for JavaScript does not (save the file with LF line endings)`
      : undefined;
  if (text === existing && existing !== "") return { file, changed: false, ...(note ? { note } : {}) };
  fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
  let backup: string | undefined;
  if (existing !== "") {
    backup = `${target}.sso-access.bak`;
    fs.copyFileSync(target, backup);
  }
  writeAtomically(target, text, mode);
  return { file, changed: true, ...(backup ? { backup } : {}), ...(note ? { note } : {}) };
}

/** The file a path finally names, following symbolic links even when the last one dangles (it is created then). */
function followLinks(file: string): string {
  let current = path.resolve(file);
  for (let hops = 0; hops < 32; hops++) {
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(current);
    } catch {
      return current;
    }
    if (!stat.isSymbolicLink()) return current;
    current = path.resolve(path.dirname(current), fs.readlinkSync(current));
  }
  throw new ConfigError(`${file}:1:1  more than 32 symbolic links in a row; name the config file itself`);
}

/** A temporary file in the same folder, flushed, then renamed over the target: readers see the old file or the new one. */
function writeAtomically(target: string, text: string, mode: number): void {
  fs.renameSync(stage(target, text, mode), target);
}

/** Writes `text` to a new temporary file beside `target`, flushed; returns its path. Nothing is left on failure. */
function stage(target: string, text: string, mode: number): string {
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${Date.now()}.tmp`);
  try {
    const fd = fs.openSync(temp, "wx", mode);
    try {
      fs.writeFileSync(fd, text);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    return temp;
  } catch (error) {
    fs.rmSync(temp, { force: true });
    throw error;
  }
}

/**
 * The last line of every file `--all` writes: a hash of everything above it. A file is sso-access's to replace or
 * remove only when it ends with this line and the hash matches, so a file someone wrote or edited is never touched.
 */
const SEAL = /\n# sso-access: generated for session (\S+); sha256 ([0-9a-f]{64}) of everything above\. Edit it and sso-access leaves it alone\.\n$/;

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** `text` with its seal, for the session its profiles use. */
export const sealed = (text: string, session: string): string =>
  `${text}\n# sso-access: generated for session ${session}; sha256 ${sha256(text)} of everything above. Edit it and sso-access leaves it alone.\n`;

/**
 * The file at `file` is one `--all` wrote for this session, unedited: a regular file (not a link) whose seal
 * matches. Files another organization's run wrote into the same folder are not this run's to replace or remove.
 */
function isSealed(file: string, session: string): boolean {
  const stat = fs.lstatSync(file, { throwIfNoEntry: false });
  if (!stat?.isFile()) return false;
  const text = fs.readFileSync(file, "utf8");
  const seal = SEAL.exec(text);
  return seal !== null && seal[1] === session && sha256(text.slice(0, seal.index)) === seal[2];
}

/**
 * `--all`: one config file per user in `dir`, all or nothing. A file in the way that sso-access did not write (or
 * that was edited since) stops the run before anything is written. Every file is staged beside its target first,
 * then renamed over it; files an earlier run sealed for users who no longer reach any account are removed. Nothing
 * else in the folder is touched.
 */
export function writeAll(dir: string, session: string, files: readonly { readonly name: string; readonly text: string }[]): { removed: string[] } {
  fs.mkdirSync(dir, { recursive: true });
  const keep = new Set(files.map((f) => f.name));
  const inTheWay = files.map((f) => path.join(dir, f.name)).filter((file) => fs.lstatSync(file, { throwIfNoEntry: false }) && !isSealed(file, session));
  if (inTheWay.length) {
    throw new ConfigError(
      `${inTheWay[0]}:1:1  this file was not written by sso-access, or was edited since${inTheWay.length > 1 ? ` (and ${inTheWay.length - 1} more)` : ""}; move it away or write into another folder`,
    );
  }
  const removed = fs
    .readdirSync(dir)
    .filter((name) => name.endsWith(".config") && !keep.has(name) && isSealed(path.join(dir, name), session))
    .sort();
  const staged: [string, string][] = [];
  try {
    for (const f of files) staged.push([stage(path.join(dir, f.name), sealed(f.text, session), 0o644), path.join(dir, f.name)]);
  } catch (error) {
    for (const [temp] of staged) fs.rmSync(temp, { force: true });
    throw error;
  }
  for (const [temp, target] of staged) fs.renameSync(temp, target);
  for (const name of removed) fs.rmSync(path.join(dir, name));
  return { removed };
}

/** A file name for a user's config in `--all` output. */
export function userFileName(user: string): string {
  // Percent-encoding keeps distinct user names distinct (a/b and a_b), which replacing characters would not; a
  // leading dot is encoded too, so no name is hidden or means a folder (".", "..").
  const percent = (c: string) => [...Buffer.from(c)].map((b) => `%${b.toString(16).toUpperCase().padStart(2, "0")}`).join("");
  const encoded = [...user].map((c, i) => (/[A-Za-z0-9._@+-]/.test(c) && !(i === 0 && c === ".") ? c : percent(c))).join("");
  // File names stop at 255 bytes: a long name keeps its start and a hash of the whole, still one name per user.
  return encoded.length > 200 ? `${encoded.slice(0, 180)}~${sha256(user).slice(0, 16)}.config` : `${encoded}.config`;
}
