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
  const shown = blankRepeats(rows);
  // A loop, not Math.max(...cells): spreading a hundred thousand rows as arguments overflows the stack.
  const widths = header.map((h, i) => shown.reduce((widest, r) => Math.max(widest, r[i].length), h.length));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i])))
      .join("  ")
      .trimEnd();
  return [paint("bold", line(header)), ...shown.map(line)].join("\n");
}

/**
 * Text from access.yaml made inert in GitHub Markdown: HTML (`<`, `>`, `&`) as entities, Markdown punctuation
 * escaped, line breaks as spaces. Anyone can propose access.yaml; a description must not be able to forge or hide
 * part of a pull request comment.
 */
export function md(text: string): string {
  const entities: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;" };
  return text
    .replace(/\r\n|[\r\n\u0085\u2028\u2029]/g, " ")
    .replace(/[&<>]/g, (c) => entities[c])
    .replace(/[\\`*_[\]|~]/g, "\\$&");
}

/** A GitHub-flavoured Markdown table; every cell goes through md(). */
export function renderMarkdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.map(md).join(" | ")} |`;
  return [line(header), `|${header.map(() => "---").join("|")}|`, ...blankRepeats(rows).map(line)].join("\n");
}

/**
 * RFC 4180 CSV with a header row. A cell that a spreadsheet would run as a formula (starting with = + - @ or a
 * tab or carriage return) is prefixed with an apostrophe: names come from a file anyone can propose a change to.
 */
export function renderCsv(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const cell = (c: string) => {
    const safe = /^[=+\-@\t\r]/.test(c) ? `'${c}` : c;
    return /[",\r\n]/.test(safe) || safe !== safe.trim() ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  return [header, ...rows].map((r) => r.map(cell).join(",")).join("\r\n");
}

/** Leading cells equal to the row above are left blank (the first, then the next while it also repeats), so rows group visually. The last column is always shown. */
function blankRepeats(rows: readonly (readonly string[])[]): string[][] {
  return rows.map((r, i) => {
    const cells = [...r];
    for (let c = 0; i > 0 && c < r.length - 1 && rows[i - 1].slice(0, c + 1).every((v, k) => v === r[k]); c++) cells[c] = "";
    return cells;
  });
}
