/**
 * How the AWS CLI and the AWS SDKs read a shared config file (`~/.aws/config`), line by line: which profile or
 * sso-session each line opens or adds a key to. `aws-config --write` must not write a section that one of them would
 * merge with a section someone else wrote, and they disagree, so each is followed as it reads, quirks included:
 *
 * - The AWS SDK for JavaScript v3 (`parseIni` and `getConfigData` in @smithy/core's config module, formerly
 *   @smithy/shared-ini-file-loader). Lines end at `\n` or `\r\n` only: a file with CR-only line endings is one line.
 *   `[profile "x"]`, `[profile 'x']`, `[profile<tab>x]` and `[profile.x]` are profile x; `[profile  x]` (two spaces)
 *   and `[ profile x ]` are nothing. Sections of one name merge key by key, the later key winning, and
 *   `[profile default]` replaces `[default]`. A `#` or `;` after a space starts a comment anywhere.
 * - The AWS CLI (botocore's configloader over Python's configparser). Lines end at `\n`, `\r\n` or `\r`. A section
 *   whose name starts with `profile` or `sso-session` is split as a shell splits words, so `[profile  x]`,
 *   `[profile "x"]`, `[profile x ]`, `[profile t\aylor]` (taylor) and `[profiles x]` are profile x. A later section
 *   for the same profile replaces the earlier one; `[DEFAULT]` lends its keys to every section; an indented line
 *   continues the value above it; `key: value` is a key too.
 * - The SDKs that trim section names (the rules of the Java SDK, which the Rust SDK follows): `[ profile  x ]` is
 *   profile x. Read here with the AWS CLI's line endings, which finds more sections, never fewer.
 */

/** One line of a file, without its line break. */
export interface Line {
  readonly text: string;
  /** Offset of the first character, and of the character after the line break. */
  readonly start: number;
  readonly next: number;
}

/** Lines as editors and the AWS CLI count them: each ends at `\r\n`, `\r` or `\n`. */
export function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  const re = /\r\n|\r|\n/g;
  let start = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    lines.push({ text: text.slice(start, m.index), start, next: m.index + m[0].length });
    start = m.index + m[0].length;
  }
  if (start < text.length) lines.push({ text: text.slice(start), start, next: text.length });
  return lines;
}

export const AWS_CLI = "the AWS CLI";
export const JS_SDK = "the AWS SDK for JavaScript";
export const TRIMMING_SDKS = "the AWS SDKs for Java and Rust";
export type Reader = typeof AWS_CLI | typeof JS_SDK | typeof TRIMMING_SDKS;

/** A line that a reader reads into a profile or sso-session: its header, or a key (or part of a key's value) in it. */
export interface Claim {
  /** Index of the line in `splitLines(text)`. */
  readonly line: number;
  /** `profile NAME` or `sso-session NAME`; `*` for a section whose keys every section inherits. */
  readonly section: string;
  readonly header: boolean;
  readonly reader: Reader;
}

/** Every line that one of the readers reads into a profile or an sso-session, with what it reads it into. */
export function claims(text: string): Claim[] {
  const lines = splitLines(text);
  // The line (as counted above) that holds an offset: where a JavaScript line, which may span several, is reported.
  const lineAt = (offset: number) => {
    let lo = 0;
    let hi = lines.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lines[mid].start <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  return [...awsCliClaims(lines), ...jsParse(text, lineAt).claims, ...trimmingClaims(lines)];
}

// The AWS SDK for JavaScript -----------------------------------------------------------------------------------

const JS_SECTION = /^([\w-]+)\s(["'])?([\w-@+.%:/]+)\2$/;
const JS_SECTION_TYPES = ["profile", "sso-session", "services"];

/** `profile.x` (a key of the parsed map) -> `profile x`; `default` is a profile. */
function jsSection(key: string): string | undefined {
  if (key === "default") return "profile default";
  const dot = key.indexOf(".");
  const prefix = key.slice(0, dot);
  return dot > 0 && (prefix === "profile" || prefix === "sso-session") ? `${prefix} ${key.slice(dot + 1)}` : undefined;
}

/** `parseIni`, line for line, with the line each section and key comes from. */
function jsParse(text: string, lineAt: (offset: number) => number) {
  const sections = new Map<string, Map<string, string>>();
  const out: Claim[] = [];
  let current: string | undefined;
  let sub: string | undefined;
  let start = 0;
  for (const line of text.split(/\r?\n/)) {
    const at = lineAt(start + line.length - line.trimStart().length);
    start += line.length + (text[start + line.length] === "\r" ? 2 : 1);
    const trimmed = line.split(/(^|\s)[;#]/)[0].trim();
    if (trimmed[0] === "[" && trimmed[trimmed.length - 1] === "]") {
      const name = trimmed.slice(1, -1);
      const m = JS_SECTION.exec(name);
      current = m ? (JS_SECTION_TYPES.includes(m[1]) ? `${m[1]}.${m[3]}` : undefined) : name;
      sub = undefined;
      // The SDK throws here, and then reads nothing of the file.
      if (name === "__proto__" || name === "profile __proto__") return { sections: new Map<string, Map<string, string>>(), claims: out };
      const section = current && jsSection(current);
      if (section) out.push({ line: at, section, header: true, reader: JS_SDK });
    } else if (current) {
      const eq = trimmed.indexOf("=");
      if (eq <= 0) continue;
      const [key, value] = [trimmed.slice(0, eq).trim(), trimmed.slice(eq + 1).trim()];
      if (value === "") {
        sub = key;
        continue;
      }
      if (sub && line.trimStart() === line) sub = undefined;
      if (!sections.has(current)) sections.set(current, new Map());
      // A key named __proto__ sets the prototype of the SDK's object for the section, which a string cannot be.
      if (key !== "__proto__" || sub) sections.get(current)!.set(sub ? `${sub}.${key}` : key, value);
      const section = jsSection(current);
      if (section) out.push({ line: at, section, header: false, reader: JS_SDK });
    }
  }
  return { sections, claims: out };
}

type Ini = Record<string, Record<string, string>>;

/**
 * What the AWS SDK for JavaScript reads from a config file: `configFile` of `loadSharedConfigFiles` (profiles by name,
 * and `sso-session.x` and `services.x` sections) and what `loadSsoSessionData` returns. The tests prove it equal to
 * the SDK's own reading.
 */
export function jsSdkReading(text: string): { configFile: Ini; ssoSessions: Ini } {
  const { sections } = jsParse(text, () => 0);
  const configFile: Ini = {};
  const ssoSessions: Ini = {};
  const values = (key: string) => Object.fromEntries(sections.get(key)!);
  if (sections.has("default")) configFile.default = values("default");
  for (const key of sections.keys()) {
    const dot = key.indexOf(".");
    if (dot < 0 || !JS_SECTION_TYPES.includes(key.slice(0, dot))) continue;
    const name = key.startsWith("profile.") ? key.slice(dot + 1) : key;
    if (name !== "__proto__") configFile[name] = values(key);
    if (key.startsWith("sso-session.")) ssoSessions[key.slice(dot + 1)] = values(key);
  }
  return { configFile, ssoSessions };
}

// The AWS CLI --------------------------------------------------------------------------------------------------

/** What Python's `str.strip` and the `\s` of its regular expressions take for whitespace. */
const PY_SPACE = "\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
const PY_STRIP = new RegExp(`^[${PY_SPACE}]+|[${PY_SPACE}]+$`, "g");
const PY_NOT_SPACE = new RegExp(`[^${PY_SPACE}]`);
/** configparser's SECTCRE (the name runs to the last `]`) and OPTCRE (`=` or `:`). */
const PY_SECTION = /^\[([\s\S]+)\]/;
const PY_OPTION = /^([\s\S]*?)[=:]/;

/** Python's `shlex.split`: words split at whitespace, quotes removed, backslash escapes; undefined where it raises. */
export function shlexSplit(s: string): string[] | undefined {
  const words: string[] = [];
  let word: string | undefined;
  let quote: string | undefined;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else word += c;
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
      else word += c === "\\" && (s[i + 1] === '"' || s[i + 1] === "\\") ? s[++i] : c;
    } else if (" \t\r\n".includes(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (c === "\\") {
      if (i + 1 === s.length) return undefined;
      word = (word ?? "") + s[++i];
    } else {
      word ??= "";
      if (c === "'" || c === '"') quote = c;
      else word += c;
    }
  }
  if (quote) return undefined;
  if (word !== undefined) words.push(word);
  return words;
}

/** botocore's `build_profile_map`: the profile or sso-session a configparser section is. */
function awsCliSection(header: string): string | undefined {
  if (header === "DEFAULT") return "*";
  for (const prefix of ["profile", "sso-session"]) {
    if (!header.startsWith(prefix)) continue;
    const words = shlexSplit(header);
    return words?.length === 2 ? `${prefix} ${words[1]}` : undefined;
  }
  return header === "default" ? "profile default" : undefined;
}

/** configparser's `_read`, as RawConfigParser() reads: full-line comments only, indented lines continue a value. */
function awsCliClaims(lines: readonly Line[]): Claim[] {
  const out: Claim[] = [];
  let inSection = false;
  let section: string | undefined;
  let option = false;
  let indent = 0;
  const claim = (line: number, header: boolean) => section && out.push({ line, section, header, reader: AWS_CLI });
  lines.forEach(({ text }, i) => {
    const value = text.replace(PY_STRIP, "");
    if (value === "" || value[0] === "#" || value[0] === ";") return;
    const level = text.search(PY_NOT_SPACE);
    if (inSection && option && level > indent) return void claim(i, false);
    indent = level;
    const header = PY_SECTION.exec(value);
    if (header) {
      [inSection, option, section] = [true, false, awsCliSection(header[1])];
      return void claim(i, true);
    }
    // Before any section the AWS CLI stops reading the file; a line that is no option is an error at the end.
    const name = PY_OPTION.exec(value)?.[1].replace(PY_STRIP, "");
    if (!inSection || name === undefined) return;
    option = name !== "";
    if (option) claim(i, false);
  });
  return out;
}

// The SDKs that trim section names -----------------------------------------------------------------------------

function trimmingClaims(lines: readonly Line[]): Claim[] {
  const out: Claim[] = [];
  let section: string | undefined;
  lines.forEach(({ text }, i) => {
    const value = text.trim();
    if (value === "" || value[0] === "#" || value[0] === ";") return;
    const header = /^\[([^\]]*)\]/.exec(value);
    if (header) {
      const name = header[1].trim();
      const prefixed = /^(profile|sso-session)[ \t]+(.*)$/.exec(name);
      section = name === "default" ? "profile default" : prefixed ? `${prefixed[1]} ${prefixed[2].trim()}` : undefined;
    }
    if (section) out.push({ line: i, section, header: header !== null, reader: TRIMMING_SDKS });
  });
  return out;
}
