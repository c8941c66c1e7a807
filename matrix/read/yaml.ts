import { CORE_SCHEMA, EVENT_ID, SCALAR_STYLE, YAMLException, constructFromEvents, getScalarValue, parseEvents, type Event, type ScalarEvent } from "js-yaml";
import { formatPath, type DocPath, type Problem } from "../common/problems";

/**
 * YAML parsing with source positions.
 *
 * js-yaml's event stream carries offsets into the source; we walk it once to record where every key and value
 * of the document starts, so that a problem found later (by zod, or by a reference check) at a document path can be
 * reported as `file:line:column`. Values are built by js-yaml itself from the same events.
 */

/** At most this many aliases (`*ref`) per document: enough for hand-written reuse, too few for an alias bomb. */
export const MAX_ALIASES = 100;
/** Deepest nesting accepted; access.yaml needs about eight levels, an inline policy a few more. */
export const MAX_DEPTH = 64;
/**
 * Most values the document may hold once its aliases are expanded. An organization of 1,000 accounts and 5,000
 * users holds about 100,000; a "billion laughs" holds 10^9, in a file of a few hundred bytes.
 */
export const MAX_EXPANDED_VALUES = 1_000_000;
/** Most characters (strings and keys) once aliases are expanded: twice what the largest accepted file can hold. */
export const MAX_EXPANDED_CHARS = 16_000_000;

interface Span {
  /** Offset of the key (map entries only). */
  key?: number;
  /** Offset where the value starts (tag or anchor included). */
  value: number;
  /** Offset just after a scalar value; -1 for collections. */
  valueEnd: number;
}

export interface Position {
  readonly line: number;
  readonly column: number;
}

/**
 * Finds the source position of any document path. The index of every path (a map as large as the document) and
 * the start of every line are made on the first question: a valid file never asks one.
 */
export class Locator {
  private starts: number[] | undefined;
  private index: ReadonlyMap<string, Span> | undefined;
  constructor(
    readonly file: string,
    readonly source: string,
    private readonly makeIndex: () => ReadonlyMap<string, Span>,
  ) {}

  private get spans(): ReadonlyMap<string, Span> {
    this.index ??= this.makeIndex();
    return this.index;
  }

  private get lineStarts(): number[] {
    if (!this.starts) {
      const starts = [0];
      for (let i = 0; i < this.source.length; i++) if (this.source.charCodeAt(i) === 10) starts.push(i + 1);
      this.starts = starts;
    }
    return this.starts;
  }

  /** Position of the key at `path` (for an unknown or duplicate key), else of its value; walks up to the nearest ancestor found. */
  key(path: DocPath): Position {
    return this.find(path, true);
  }

  /** Position of the value at `path`; walks up to the nearest ancestor found. */
  value(path: DocPath): Position {
    return this.find(path, false);
  }

  /** The source text of a scalar value as written (quotes included), or undefined for collections and unknown paths. */
  raw(path: DocPath): string | undefined {
    const span = this.spans.get(pathKey(path));
    if (!span || span.valueEnd < 0) return undefined;
    return this.source.slice(span.value, span.valueEnd);
  }

  /** A problem at the value (or key) of `path`. */
  problem(path: DocPath, message: string, at: "key" | "value" = "value"): Problem {
    const pos = at === "key" ? this.key(path) : this.value(path);
    return { file: this.file, ...pos, path: formatPath(path), message };
  }

  position(offset: number): Position {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.lineStarts[lo] + 1 };
  }

  private find(path: DocPath, preferKey: boolean): Position {
    for (let n = path.length; n >= 0; n--) {
      const span = this.spans.get(pathKey(path.slice(0, n)));
      if (span) return this.position(preferKey && n === path.length && span.key !== undefined ? span.key : span.value);
    }
    return { line: 1, column: 1 };
  }
}

function pathKey(path: DocPath): string {
  return path.map((s) => (typeof s === "number" ? `#${s}` : `.${s}`)).join("\u0000");
}

export type ParseResult = { readonly ok: true; readonly value: unknown; readonly locator: Locator } | { readonly ok: false; readonly problems: Problem[] };

/**
 * A collection being walked: its path, and its path key (pathKey(path), made once, extended for each child; "" in
 * the walk that records no positions).
 */
type Frame =
  | { kind: "map"; path: DocPath; at: string; expectKey: boolean; key: string; keys: Map<string, number> }
  | { kind: "seq"; path: DocPath; at: string; index: number }
  | { kind: "skip" };

/** pathKey of a child, from its parent's key: the root's is "", and segments are joined by NUL. */
const childKey = (parent: string, segment: string | number): string => {
  const part = typeof segment === "number" ? `#${segment}` : `.${segment}`;
  return parent === "" ? part : `${parent}\u0000${part}`;
};

function startOf(e: Event): number {
  switch (e.type) {
    case EVENT_ID.SCALAR: {
      // A quoted scalar's range starts after its opening quote; point at the quote.
      const quoted = e.style === SCALAR_STYLE.SINGLE_QUOTED || e.style === SCALAR_STYLE.DOUBLE_QUOTED;
      return minPositive(quoted ? e.valueStart - 1 : e.valueStart, e.tagStart, e.anchorStart);
    }
    case EVENT_ID.MAPPING:
    case EVENT_ID.SEQUENCE:
      return minPositive(e.start, e.tagStart, e.anchorStart);
    case EVENT_ID.ALIAS:
      return Math.max(0, e.anchorStart - 1);
    default:
      return 0;
  }
}

/** The smallest of three offsets that is not -1 (absent), else 0; no array made: it runs for every event. */
function minPositive(a: number, b: number, c: number): number {
  let min = -1;
  if (a >= 0) min = a;
  if (b >= 0 && (min < 0 || b < min)) min = b;
  if (c >= 0 && (min < 0 || c < min)) min = c;
  return min < 0 ? 0 : min;
}

/**
 * Parses one YAML document. Problems: syntax errors, more than one document, an empty file, duplicate keys
 * (all of them, not just the first), keys that are not plain text, unknown tags, too many aliases.
 */
export function parseYaml(source: string, file: string): ParseResult {
  let events: Event[];
  try {
    events = parseEvents(source, { filename: file, maxDepth: MAX_DEPTH });
  } catch (error) {
    return { ok: false, problems: [yamlProblem(error, file)] };
  }
  // The walk that finds the problems of keys records no positions; the locator walks again, once, if asked one.
  const locator = new Locator(file, source, () => {
    const spans = new Map<string, Span>();
    indexPositions(events, source, spans, locator, at);
    return spans;
  });
  const at = (offset: number, path: DocPath, message: string): Problem => ({ file, ...locator.position(offset), path: formatPath(path), message });
  const { problems, documents, secondDocumentAt, hasRoot } = indexPositions(events, source, undefined, locator, at);
  if (documents === 0 || !hasRoot) {
    return { ok: false, problems: [at(0, [], "the file is empty; start from the sample access.yaml")] };
  }
  if (documents > 1) {
    const offset = secondDocumentAt >= 0 ? secondDocumentAt : source.indexOf("\n---") + 1;
    problems.push(at(Math.max(0, offset), [], "the file holds more than one YAML document (a second '---'); keep the whole matrix in one document"));
  }
  if (problems.length) return { ok: false, problems };

  let value: unknown;
  try {
    [value] = constructFromEvents(events, { source, filename: file, schema: CORE_SCHEMA, maxAliases: MAX_ALIASES });
  } catch (error) {
    return { ok: false, problems: [yamlProblem(error, file)] };
  }
  // js-yaml shares an aliased value instead of copying it, so building it was cheap; every later step walks the
  // expanded tree, so its size is measured (shared parts once) before anything walks it.
  const size = expandedSize(value);
  if (size.values > MAX_EXPANDED_VALUES || size.chars > MAX_EXPANDED_CHARS) {
    const alias = events.find((e) => e.type === EVENT_ID.ALIAS);
    const what =
      size.values > MAX_EXPANDED_VALUES ? `${MAX_EXPANDED_VALUES.toLocaleString("en-US")} values` : `${MAX_EXPANDED_CHARS.toLocaleString("en-US")} characters`;
    const message = `the aliases (*name) of this file expand it to more than ${what}; write the values out instead of repeating them through aliases`;
    return { ok: false, problems: [at(alias ? startOf(alias) : 0, [], message)] };
  }
  return { ok: true, value, locator };
}

/**
 * Walks the event stream once, recording where every key and value of the first document starts (in `spans`), and
 * finding the problems of keys: not plain text, `__proto__`, duplicates. Counts the documents, and where the second
 * one starts.
 */
function indexPositions(
  events: readonly Event[],
  source: string,
  spans: Map<string, Span> | undefined,
  locator: Locator,
  at: (offset: number, path: DocPath, message: string) => Problem,
): { problems: Problem[]; documents: number; secondDocumentAt: number; hasRoot: boolean } {
  const problems: Problem[] = [];
  const stack: Frame[] = [];
  let documents = 0;
  let secondDocumentAt = -1;
  let hasRoot = false;
  const key = (top: Extract<Frame, { kind: "map" }>, e: Event, offset: number): void => {
    top.expectKey = false;
    if (e.type !== EVENT_ID.SCALAR) {
      problems.push(at(offset, top.path, "a key must be plain text, not a list, mapping or alias; write the key as text"));
      top.key = `\u0000complex${offset}`;
      if (e.type === EVENT_ID.MAPPING || e.type === EVENT_ID.SEQUENCE) stack.push({ kind: "skip" });
      return;
    }
    const text = keyText(source, e);
    if (text === "__proto__") {
      // Would set an object's prototype in JavaScript; no name in access.yaml needs it.
      problems.push(at(offset, [...top.path, text], 'the key "__proto__" is not allowed; choose another name'));
    }
    const first = top.keys.get(text);
    if (first !== undefined) {
      const { line } = locator.position(first);
      const typed = getScalarValue(source, e);
      const reads = typed === text ? "" : `, which YAML reads as "${text}"`;
      problems.push(at(offset, [...top.path, text], `duplicate key "${typed}"${reads} (first written on line ${line}); keep one of them`));
    } else top.keys.set(text, offset);
    top.key = text;
    spans?.set(childKey(top.at, text), { key: offset, value: offset, valueEnd: -1 });
  };
  // Each node event is either a map key, or a value at a path; collections push a frame, POP closes it.
  const node = (e: Event): void => {
    const top = stack[stack.length - 1];
    if (top?.kind === "skip") {
      if (e.type === EVENT_ID.MAPPING || e.type === EVENT_ID.SEQUENCE) stack.push({ kind: "skip" });
      return;
    }
    if (top?.kind === "map" && top.expectKey) return key(top, e, startOf(e));
    // The segment of this value; its path key only when positions are recorded, and the path as an array only for
    // a collection (its children's, for their problems): the walk that finds problems runs on every file.
    let segment: string | number | undefined;
    if (top?.kind === "map") {
      segment = top.key;
      top.expectKey = true;
    } else if (top?.kind === "seq") {
      segment = top.index++;
    }
    if (!top) hasRoot = true;
    const collection = e.type === EVENT_ID.MAPPING || e.type === EVENT_ID.SEQUENCE;
    if (!spans && !collection) return;
    const at = spans && top && segment !== undefined ? childKey((top as { at: string }).at, segment) : "";
    if (spans) {
      const offset = startOf(e);
      const existing = spans.get(at);
      const valueEnd = e.type === EVENT_ID.SCALAR ? e.valueEnd : -1;
      // An empty value (`key:` and nothing) has no source range: point at its key.
      const empty = e.type === EVENT_ID.SCALAR && e.valueStart < 0 && e.tagStart < 0 && e.anchorStart < 0;
      spans.set(at, { key: existing?.key, value: empty ? (existing?.key ?? offset) : offset, valueEnd: empty ? -1 : adjustEnd(source, e, valueEnd) });
    }
    if (!collection) return;
    const path: DocPath = top ? [...top.path, segment!] : [];
    if (e.type === EVENT_ID.MAPPING) stack.push({ kind: "map", path, at, expectKey: true, key: "", keys: new Map() });
    else stack.push({ kind: "seq", path, at, index: 0 });
  };
  for (const e of events) {
    if (e.type === EVENT_ID.DOCUMENT) documents++;
    else if (e.type === EVENT_ID.POP) stack.pop();
    else if (documents > 1) {
      if (secondDocumentAt < 0) secondDocumentAt = startOf(e);
    } else node(e);
  }
  return { problems, documents, secondDocumentAt, hasRoot };
}

/**
 * The size of the tree `value` stands for once aliases are expanded: values, and characters of strings and keys.
 * Each shared part is measured once (memoised); the walk stops early once past the limits.
 */
function expandedSize(value: unknown): { values: number; chars: number } {
  const sizes = new Map<object, { values: number; chars: number }>();
  const over = { values: Infinity, chars: Infinity };
  // Plain loops, and nothing allocated for a scalar: this walks every value of every file.
  const size = (v: object): { values: number; chars: number } => {
    const known = sizes.get(v);
    if (known !== undefined) return known;
    sizes.set(v, over); // a value that contains itself never ends
    const total = { values: 1, chars: 0 };
    const count = (child: unknown, key: string): boolean => {
      total.chars += key.length;
      if (typeof child === "string") {
        total.values += 1;
        total.chars += child.length;
      } else if (child === null || typeof child !== "object") {
        total.values += 1;
      } else {
        const s = size(child);
        total.values += s.values;
        total.chars += s.chars;
      }
      return total.values > MAX_EXPANDED_VALUES || total.chars > MAX_EXPANDED_CHARS;
    };
    if (Array.isArray(v)) {
      for (const child of v) if (count(child, "")) break;
    } else {
      for (const key of Object.keys(v)) if (count((v as Record<string, unknown>)[key], key)) break;
    }
    sizes.set(v, total);
    return total;
  };
  if (typeof value === "string") return { values: 1, chars: value.length };
  return value === null || typeof value !== "object" ? { values: 1, chars: 0 } : size(value);
}

/**
 * A key as the loaded object holds it: a plain key is resolved as YAML reads it (`0x10` is the key "16", `~` is
 * "null"), so duplicates and positions agree with the value js-yaml builds.
 */
function keyText(source: string, e: ScalarEvent): string {
  const text = getScalarValue(source, e);
  if (e.style !== SCALAR_STYLE.PLAIN || e.tagStart >= 0) return text;
  return String(CORE_SCHEMA.resolveImplicitScalarTag(text).value);
}

/** A quoted scalar's event range covers its content; widen it to include the closing quote so `raw` shows what was typed. */
function adjustEnd(source: string, e: Event, end: number): number {
  if (e.type !== EVENT_ID.SCALAR || end < 0) return end;
  const quoted = e.style === SCALAR_STYLE.SINGLE_QUOTED || e.style === SCALAR_STYLE.DOUBLE_QUOTED;
  return quoted && end < source.length ? end + 1 : end;
}

function yamlProblem(error: unknown, file: string): Problem {
  if (error instanceof YAMLException) {
    const reason = error.reason || "invalid YAML";
    return {
      file,
      line: (error.mark?.line ?? 0) + 1,
      column: (error.mark?.column ?? 0) + 1,
      path: "<root>",
      message: `${yamlHint(reason)}`,
    };
  }
  return { file, line: 1, column: 1, path: "<root>", message: `the file could not be read as YAML: ${String(error)}` };
}

const YAML_HINTS: [string, string][] = [
  ["deficient indentation", "a quote, bracket or brace opened above may never be closed, or this line is indented less than its block"],
  ["bad indentation of a mapping entry", 'indent the keys of one map equally, and quote a value that holds ": "'],
  ["unexpected end of the stream within", "a quote opened above is never closed"],
  ["missed comma between flow collection entries", "separate the items of [a, b] or {a: 1, b: 2} with commas"],
  ["end of the stream or a document separator is expected", "the line is indented where no value can start; align it with its siblings"],
];

/** js-yaml's reasons are terse; add what to do for the common ones. */
function yamlHint(reason: string): string {
  if (reason.startsWith("tab characters")) return "a tab is used for indentation; indent with spaces";
  if (reason.startsWith("unknown") && reason.includes("tag")) {
    return `${reason.replace(/!<tag:yaml\.org,2002:([^>]+)>/, "!!$1").replace(/!<([^>]+)>/, "$1")}; access.yaml takes no custom tags: remove it`;
  }
  if (reason.includes("alias")) return `${reason}; access.yaml allows at most ${MAX_ALIASES} aliases`;
  if (reason.includes("nesting") || reason.includes("depth")) return `${reason}; the document is nested deeper than ${MAX_DEPTH} levels`;
  const hint = YAML_HINTS.find(([start]) => reason.startsWith(start))?.[1];
  return `invalid YAML: ${reason}${hint ? `; ${hint}` : ""}`;
}
