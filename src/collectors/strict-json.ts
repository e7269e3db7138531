// Strict JSON (RFC 8259, as Go's encoding/json reads CNI configs and daemon.json: no comments, no
// trailing commas, no raw control characters in strings) that says where it failed (file:line:column)
// and where a field is, for citations. V8's JSON.parse decides validity fast; positions come from
// @humanwhocodes/momoa's AST (ESLint's JSON parser), never from the text of V8's error message.

import { parse, type AnyNode, type DocumentNode, type ValueNode } from '@humanwhocodes/momoa';

/** Deeper nesting is refused before momoa (a recursive parser) could run out of stack. */
export const MAX_JSON_DEPTH = 512;
/** Field positions are looked up only in files up to this size (momoa's AST costs ~60x the text). */
const MAX_AST_TEXT = 1024 * 1024;

export interface JsonPosition {
  line: number;
  column: number;
  /** The source line, trimmed. */
  text: string;
}

export type JsonPath = (string | number)[];

export type JsonResult =
  | { ok: true; value: unknown; find: (path: JsonPath) => JsonPosition | undefined }
  | { ok: false; line: number; column: number; message: string; text: string };

/** Position → 1-based line and column. */
export function lineCol(text: string, pos: number): { line: number; column: number } {
  let line = 1;
  let last = -1;
  const end = Math.min(pos, text.length);
  for (let i = 0; i < end; i++)
    if (text.charCodeAt(i) === 10) {
      line++;
      last = i;
    }
  return { line, column: end - last };
}

function lineText(text: string, line: number): string {
  return (text.split('\n')[line - 1] ?? '').replace(/\r$/, '');
}

// a BOM becomes a space: Docker strips it and the old reader did too; offsets and columns stay put
const unBom = (text: string): string => (text.charCodeAt(0) === 0xfeff ? ` ${text.slice(1)}` : text);

/** Parse strict JSON; on failure give the line/column of the first error and that line's text. */
export function parseJsonAt(raw: string): JsonResult {
  const text = unBom(raw);
  const scan = prescan(text);
  if (scan.tooDeep !== undefined) return failure(text, scan.tooDeep, `nested deeper than ${MAX_JSON_DEPTH} levels: not read`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return locateError(text, scan.control);
  }
  let doc: DocumentNode | undefined | null;
  const find = (path: JsonPath): JsonPosition | undefined => {
    if (doc === undefined) doc = text.length <= MAX_AST_TEXT ? tryParse(text) : null;
    const node = doc ? walk(doc.body, path) : undefined;
    if (!node) return undefined;
    const { line, column } = node.loc.start;
    return { line, column, text: lineText(text, line).trim() };
  };
  return { ok: true, value, find };
}

function tryParse(text: string): DocumentNode | null {
  try {
    return parse(text, { mode: 'json' });
  } catch {
    return null;
  }
}

/** The node of a member (its key) or array element at `path`; the last of duplicate keys wins, as in Go. */
function walk(node: ValueNode, path: JsonPath): AnyNode | undefined {
  let cur: AnyNode = node;
  for (const step of path) {
    const v: AnyNode = cur.type === 'Member' ? cur.value : cur;
    if (typeof step === 'number' && v.type === 'Array') cur = v.elements[step]?.value as AnyNode;
    else if (typeof step === 'string' && v.type === 'Object') cur = [...v.members].reverse().find((m) => m.name.type === 'String' && m.name.value === step) as AnyNode;
    else return undefined;
    if (!cur) return undefined;
  }
  return cur;
}

/**
 * One linear pass before any parser: the offset where nesting first exceeds MAX_JSON_DEPTH, and the
 * first raw control character inside a string (JSON forbids them; momoa lets them through).
 */
function prescan(text: string): { tooDeep?: number; control?: number } {
  let depth = 0;
  let inString = false;
  let control: number | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
      else if (c < 0x20 && control === undefined) control = i;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > MAX_JSON_DEPTH) return { tooDeep: i, control };
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return { control };
}

function failure(text: string, offset: number, message: string): JsonResult {
  const { line, column } = lineCol(text, offset);
  return { ok: false, line, column, message, text: lineText(text, line) };
}

const TOKENS: Record<string, string> = { LBrace: "'{'", RBrace: "'}'", LBracket: "'['", RBracket: "']'", Comma: "','", Colon: "':'", String: 'a string', Number: 'a number', Boolean: 'a boolean', Null: 'null' };
// a value that runs to the end of the text: momoa blames it when the input stops short after it
const LAST_VALUE = /^(?:"(?:[^"\\]|\\.)*"|-?\d[\d.eE+-]*|true|false|null)\s*$/;

/** Where and why invalid JSON fails, from momoa's error (its offset, line and column). */
function locateError(text: string, control: number | undefined): JsonResult {
  let err: { offset: number; message: string };
  try {
    parse(text, { mode: 'json' });
    // momoa accepted what JSON.parse refused: a raw control character in a string is the one such case
    return failure(text, control ?? 0, control !== undefined ? `control character U+${text.charCodeAt(control).toString(16).padStart(4, '0').toUpperCase()} in a string (escape it)` : 'not valid JSON');
  } catch (e) {
    const x = e as { offset?: unknown; message?: unknown };
    if (typeof x.offset !== 'number') return failure(text, control ?? 0, 'not valid JSON');
    err = { offset: x.offset, message: String(x.message) };
  }
  if (control !== undefined && control < err.offset) return failure(text, control, `control character U+${text.charCodeAt(control).toString(16).padStart(4, '0').toUpperCase()} in a string (escape it)`);
  const tok = /Unexpected token (\w+)/.exec(err.message)?.[1];
  if (/Unexpected end of input/.test(err.message) || (tok && LAST_VALUE.test(text.slice(err.offset)))) return failure(text, text.trimEnd().length, 'unexpected end of input');
  const what = tok ? (TOKENS[tok] ?? tok) : /Unexpected (?:character|identifier) ('.*') found/.exec(err.message)?.[1];
  const before = text.slice(0, err.offset).trimEnd().at(-1);
  const message =
    before === ',' && (tok === 'RBrace' || tok === 'RBracket') ? `trailing comma before ${what} (JSON allows none)` : what ? `unexpected ${what}` : err.message.replace(/\s*\(\d+:\d+\)$/, '');
  return failure(text, err.offset, message);
}
