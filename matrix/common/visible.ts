/**
 * Text from a file, made visible before anyone reads it. A value in access.yaml, a policy file or a stack file may
 * come from someone who wants a reviewer to misread: an escape sequence that clears the terminal and prints "No one
 * gains or loses access", a bidirectional override that reverses a name, a zero-width character that makes two
 * names look alike, a line break that starts a GitHub workflow command (`::add-mask::`). Such characters are shown
 * as escapes (`\x1b`, `\u202e`, `\n`), never passed through.
 */

/**
 * C0 and C1 controls (ESC among them) and DEL; the Arabic letter mark; Mongolian vowel separator; zero-width space,
 * joiners and the direction marks; line and paragraph separators and the bidirectional embeddings and overrides;
 * word joiner, invisible operators and the bidirectional isolates; the byte order mark; interlinear annotation
 * characters; and every character Unicode says to show as nothing (Default_Ignorable_Code_Point: soft hyphen,
 * variation selectors, Hangul fillers, tag characters...). Tab, line feed and carriage return are listed separately:
 * output may use them, values may not.
 */
const HIDDEN =
  "\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f\\u061c\\u180e\\u200b-\\u200f\\u2028-\\u202e\\u2060-\\u2064\\u2066-\\u206f\\ufeff\\ufff9-\\ufffb\\p{Default_Ignorable_Code_Point}";
const IN_VALUES = new RegExp(`[${HIDDEN}\\t\\n\\r]`, "gu");
/** One hidden character, tab or line break: what a name must not hold. */
export const HIDDEN_CHARACTER = new RegExp(`[${HIDDEN}\\t\\n\\r]`, "u");
/** In output: a tab, a line feed and a CR before a line feed (CSV's line end) are the tools' own; a lone CR is not. */
const IN_OUTPUT = new RegExp(`[${HIDDEN}]|\\r(?!\\n)`, "gu");

const NAMED: Record<string, string> = { "\t": "\\t", "\n": "\\n", "\r": "\\r" };

function escape(c: string): string {
  const code = c.codePointAt(0)!;
  if (NAMED[c]) return NAMED[c];
  if (code < 0x80) return `\\x${code.toString(16).padStart(2, "0")}`;
  return code > 0xffff ? `\\u{${code.toString(16)}}` : `\\u${code.toString(16).padStart(4, "0")}`;
}

/** A value shown on one line: every hidden character, tab and line break as an escape. */
export const visible = (text: string): string => text.replace(IN_VALUES, escape);

/**
 * What the tools print, made safe as a whole: every hidden character escaped (line breaks and tabs kept), and no
 * line that a CI runner would take for a workflow command (`::` after any blank, or `##[` anywhere). `keep` lets the
 * tools' own terminal colours through, and nothing else: SGR sequences of the codes `paint` uses.
 */
export function safeOutput(text: string, keep?: RegExp): string {
  // Most output is printable ASCII with no workflow-command marker: returned as it is. Only text the escapes below
  // could change fails the tests (any character beyond printable ASCII, `##[`, `::` after a line's blanks), so
  // `::` inside a line (a plan's resource keys) does not cost two passes over the whole text. Three simple scans
  // beat one pattern of three branches; the last relies on the first: in printable ASCII, the blanks are space and tab.
  if (!/[^\t\n\x20-\x7e]/.test(text) && !text.includes("##[") && !/(?:^|\n)[\t ]*::/.test(text)) return text;
  const escaped = keep
    ? text
        .split(keep)
        .map((part, i) => (i % 2 === 1 ? part : part.replace(IN_OUTPUT, escape)))
        .join("")
    : text.replace(IN_OUTPUT, escape);
  // A runner trims any whitespace before looking for `::`, and reads `##[command]` anywhere in a line.
  return escaped.replace(/^([^\S\n]*)::/gmu, "$1\\x3a:").replace(/##\[/g, "#\\x23[");
}
