/** Where a command writes, and whether its standard output may carry colour. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** Colour on standard output: only on a terminal that has colours (honours NO_COLOR and FORCE_COLOR). */
  readonly color?: boolean;
}

/** NO_COLOR (https://no-color.org) wins; FORCE_COLOR (not "0") turns colour on even in a pipe; else a colour terminal. */
export function wantsColor(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "0") return true;
  return Boolean(stream.isTTY && stream.hasColors?.());
}

export const stdio: Io = {
  out: (text) => process.stdout.write(text.endsWith("\n") ? text : `${text}\n`),
  err: (text) => process.stderr.write(text.endsWith("\n") ? text : `${text}\n`),
  color: wantsColor(process.stdout),
};

/**
 * Lines written a few thousand at a time: a report of half a million rows is never one string. Each piece ends
 * with a line end, so a guard over what is written (safeOutput) sees whole lines; the last goes without it, as one
 * io.out of the whole text would (io.out ends it). `eol` joins the lines (CSV: CRLF).
 */
export function chunkedOutput(io: Io, eol = "\n", size = 4096): { line(text: string): void; end(): void } {
  let chunk: string[] = [];
  let pending: string[] | undefined;
  const flush = () => {
    // The line end after the last line joins in with the rest: one string made, never a second copy of the piece.
    if (pending) io.out([...pending, ""].join(eol));
    pending = chunk;
    chunk = [];
  };
  return {
    line(text) {
      chunk.push(text);
      if (chunk.length === size) flush();
    },
    end() {
      if (chunk.length) flush();
      if (pending) io.out(pending.join(eol));
      pending = undefined;
    },
  };
}

/** SGR codes; each style resets only itself, so styles nest. */
const SGR = { bold: [1, 22], dim: [2, 22], red: [31, 39], green: [32, 39], yellow: [33, 39] } as const;

/** The escape sequences paint() writes, and no other: what output keeps when it has colour (safeOutput). */
export const OWN_COLOURS = new RegExp(`(\u001b\\[(?:${[...new Set(Object.values(SGR).flat())].join("|")})m)`);
export type Style = keyof typeof SGR;

export type Paint = (style: Style, text: string) => string;

export function painter(color: boolean | undefined): Paint {
  return color ? (style, text) => `\u001b[${SGR[style][0]}m${text}\u001b[${SGR[style][1]}m` : (_style, text) => text;
}

/** Columns padded to the widest cell, two spaces apart; the header in bold. */
export function renderTable(header: readonly string[], rows: readonly (readonly string[])[], paint: Paint): string {
  // Every value is shown on the first row of its group, so the widest shown cell is the widest cell.
  const widths = header.map((_, i) => rows.reduce((widest, r) => Math.max(widest, r[i].length), 0));
  const lines: string[] = [];
  const row = tableWriter(header, widths, paint, (line) => lines.push(line));
  for (const r of rows) row(r);
  return lines.join("\n");
}

/**
 * A table written a row at a time, for rows whose widest cells are known (`widths`, the header aside): the header
 * now, then each row as it comes, its leading cells blank where they repeat the row above. No row is kept but the
 * last: a table of half a million rows is never held.
 */
export function tableWriter(header: readonly string[], widths: readonly number[], paint: Paint, emit: (line: string) => void) {
  const padded = header.map((h, i) => Math.max(h.length, widths[i] ?? 0));
  const last = header.length - 1;
  // Each column's cells padded once per distinct value: a large table repeats a few thousand names.
  const pads = padded.map(() => new Map<string, string>());
  const pad = (i: number, cell: string) => {
    let text = pads[i].get(cell);
    if (text === undefined) pads[i].set(cell, (text = `${cell.padEnd(padded[i])}  `));
    return text;
  };
  const line = (cells: readonly string[], previous?: readonly string[]) => {
    const blank = repeatedLead(cells, previous);
    let text = "";
    for (let i = 0; i < last; i++) text += pad(i, i < blank ? "" : cells[i]);
    const tail = cells[last];
    // Only a row whose last cell is blank or ends in a space has anything to trim.
    return tail.length > 0 && tail.trimEnd().length === tail.length ? text + tail : (text + tail).trimEnd();
  };
  emit(paint("bold", line(header)));
  let previous: readonly string[] | undefined;
  return (cells: readonly string[]): void => {
    emit(line(cells, previous));
    previous = cells;
  };
}

/**
 * Text from access.yaml made inert in GitHub Markdown: HTML (`<`, `>`, `&`) and mentions (`@`) as entities, Markdown punctuation
 * escaped, line breaks as spaces. Anyone can propose access.yaml; a description must not be able to forge or hide
 * part of a pull request comment.
 */
export function md(text: string): string {
  // "@" as an entity too: a name such as "@acme/security" must not notify a team from a pull request comment or an issue.
  const entities: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", "@": "&#64;" };
  return text
    .replace(/\r\n|[\r\n\u0085\u2028\u2029]/g, " ")
    .replace(/[&<>@]/g, (c) => entities[c])
    .replace(/[\\`*_[\]|~]/g, "\\$&");
}

/** A GitHub-flavoured Markdown table; every cell goes through md(). */
export function renderMarkdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const lines: string[] = [];
  const row = markdownTableWriter(header, (line) => lines.push(line));
  for (const r of rows) row(r);
  return lines.join("\n");
}

/** renderMarkdownTable, a row at a time: the header now, each row as it comes. */
export function markdownTableWriter(header: readonly string[], emit: (line: string) => void) {
  const line = (cells: readonly string[]) => `| ${cells.map(md).join(" | ")} |`;
  emit(line(header));
  emit(`|${header.map(() => "---").join("|")}|`);
  let previous: readonly string[] | undefined;
  return (cells: readonly string[]): void => {
    emit(line(blankRepeats(cells, previous)));
    previous = cells;
  };
}

/**
 * RFC 4180 CSV with a header row. A cell that a spreadsheet would run as a formula (starting with = + - @ or a
 * tab or carriage return) is prefixed with an apostrophe: names come from a file anyone can propose a change to.
 */
export function renderCsv(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const lines: string[] = [];
  const row = csvWriter(header, (line) => lines.push(line));
  for (const r of rows) row(r);
  return lines.join("\r\n");
}

/** renderCsv, a record at a time (each without its line end: the writer of the lines ends them with CRLF). */
export function csvWriter(header: readonly string[], emit: (line: string) => void) {
  const cell = (c: string) => {
    const safe = /^[=+\-@\t\r]/.test(c) ? `'${c}` : c;
    return /[",\r\n]/.test(safe) || safe !== safe.trim() ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  emit(header.map(cell).join(","));
  return (cells: readonly string[]): void => emit(cells.map(cell).join(","));
}

/**
 * How many leading cells repeat the row above: the first, then the next while it also repeats; the last column never
 * counts. Tables leave them blank, so rows group visually.
 */
function repeatedLead(cells: readonly string[], previous: readonly string[] | undefined): number {
  let c = 0;
  if (previous) while (c < cells.length - 1 && previous[c] === cells[c]) c++;
  return c;
}

/** The row as shown: its repeated leading cells blank (repeatedLead). */
function blankRepeats(cells: readonly string[], previous: readonly string[] | undefined): readonly string[] {
  const blank = repeatedLead(cells, previous);
  return blank ? cells.map((c, i) => (i < blank ? "" : c)) : cells;
}

/**
 * JSON as the tools print it: every character outside printable ASCII written as a JSON escape (`\u00a0`, surrogate
 * pairs for the rest), and `##[` broken by one, so that the output guard (safeOutput) has nothing to change and what
 * is printed reads back as the same value.
 */
export function printableJson(value: unknown): string {
  return JSON.stringify(value, null, 2)
    .replace(/[^\n\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)
    .replace(/##\[/g, "#\\u0023[");
}
