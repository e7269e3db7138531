// Strict JSON with positions (CNI configs, daemon.json): errors at line:column from momoa's AST, never
// from V8's error text; what Go's encoding/json refuses is refused here; hostile nesting is bounded.

import { afterEach, describe, expect, it, vi } from 'vitest';
import { MAX_JSON_DEPTH, parseJsonAt } from '../src/collectors/strict-json.js';

afterEach(() => vi.restoreAllMocks());

describe('parseJsonAt', () => {
  it('names line and column of the first error, in words of its own', () => {
    expect(parseJsonAt('{\n  "a": 1,\n}\n')).toMatchObject({ ok: false, line: 3, column: 1, message: "trailing comma before '}' (JSON allows none)", text: '}' });
    expect(parseJsonAt('{"a": [1,]}')).toMatchObject({ ok: false, line: 1, column: 10, message: "trailing comma before ']' (JSON allows none)" });
    expect(parseJsonAt('{"a": tru}')).toMatchObject({ ok: false, line: 1, column: 7, message: "unexpected 'tru'" });
    expect(parseJsonAt('{"a": 1 "b": 2}')).toMatchObject({ ok: false, line: 1, column: 9, message: 'unexpected a string' });
    expect(parseJsonAt('{"a": 1} x')).toMatchObject({ ok: false, line: 1, column: 10 });
    expect(parseJsonAt('{"a": 01}')).toMatchObject({ ok: false, line: 1, column: 7 });
  });
  it('an input that stops short is reported at its end', () => {
    expect(parseJsonAt('{\n  "a": 1\n')).toMatchObject({ ok: false, line: 2, column: 9, message: 'unexpected end of input' });
    expect(parseJsonAt('[1,2')).toMatchObject({ ok: false, line: 1, column: 5, message: 'unexpected end of input' });
    expect(parseJsonAt('{"a":')).toMatchObject({ ok: false, line: 1, column: 6, message: 'unexpected end of input' });
    expect(parseJsonAt('')).toMatchObject({ ok: false, line: 1, column: 1 });
  });
  it('does not read V8 error text: the same positions when JSON.parse throws without one', () => {
    const before = [parseJsonAt('{\n  "a": 1,\n}\n'), parseJsonAt('{"a": tru}'), parseJsonAt('[1,2')];
    vi.spyOn(JSON, 'parse').mockImplementation(() => {
      throw new SyntaxError('bad JSON');
    });
    const after = [parseJsonAt('{\n  "a": 1,\n}\n'), parseJsonAt('{"a": tru}'), parseJsonAt('[1,2')];
    expect(after).toEqual(before);
    expect(after.map((r) => !r.ok && `${r.line}:${r.column}`)).toEqual(['3:1', '1:7', '1:5']);
  });
  it('refuses what Go refuses: comments, single quotes, NaN, raw control characters in strings', () => {
    expect(parseJsonAt('// net\n{}')).toMatchObject({ ok: false, line: 1, column: 1 });
    expect(parseJsonAt('{\n  /* x */ "a": 1}')).toMatchObject({ ok: false, line: 2, column: 3 });
    expect(parseJsonAt("{'a': 1}")).toMatchObject({ ok: false, line: 1, column: 2 });
    expect(parseJsonAt('{"a": NaN}')).toMatchObject({ ok: false, line: 1, column: 7 });
    expect(parseJsonAt('{\n "a": "x\ty"}')).toMatchObject({ ok: false, line: 2, column: 9, message: 'control character U+0009 in a string (escape it)' });
    // an escaped one is fine, and duplicate keys are too (the last wins, as in encoding/json)
    expect(parseJsonAt('{"a": "x\\ty", "a": 2}')).toMatchObject({ ok: true, value: { a: 2 } });
  });
  it('a UTF-8 BOM is skipped without moving columns', () => {
    const r = parseJsonAt('\uFEFF{"a": tru}');
    expect(r).toMatchObject({ ok: false, line: 1, column: 8 });
    expect(parseJsonAt('\uFEFF{"a": 1}')).toMatchObject({ ok: true, value: { a: 1 } });
  });
  it('finds the line of a field, the last of duplicates, and array elements', () => {
    const r = parseJsonAt('{\n  "cniVersion": "1.0.0",\n  "plugins": [\n    {"type": "bridge"},\n    {}\n  ],\n  "cniVersion": "0.4.0"\n}\n');
    if (!r.ok) throw new Error('should parse');
    expect(r.find(['cniVersion'])).toEqual({ line: 7, column: 3, text: '"cniVersion": "0.4.0"' });
    expect(r.find(['plugins', 1])).toMatchObject({ line: 5, text: '{}' });
    expect(r.find(['plugins', 0, 'type'])).toMatchObject({ line: 4, column: 6 });
    expect(r.find(['plugins', 2])).toBeUndefined();
    expect(r.find(['nope'])).toBeUndefined();
    expect(r.find(['cniVersion', 0])).toBeUndefined();
  });
  it('hostile nesting is an error at the level it goes too deep, not a stack overflow', () => {
    for (const n of [MAX_JSON_DEPTH + 1, 10_000, 1_000_000]) {
      const r = parseJsonAt(`{"a":\n${'['.repeat(n - 1)}${']'.repeat(n - 1)}}`);
      expect(r).toMatchObject({ ok: false, line: 2, column: MAX_JSON_DEPTH, message: `nested deeper than ${MAX_JSON_DEPTH} levels: not read` });
    }
    // unbalanced and deep: the same, whatever the parser would have done
    expect(parseJsonAt('['.repeat(100_000))).toMatchObject({ ok: false, line: 1, column: MAX_JSON_DEPTH + 1 });
    // just inside the limit still parses, with positions
    const ok = parseJsonAt(`${'['.repeat(MAX_JSON_DEPTH)}1${']'.repeat(MAX_JSON_DEPTH)}`);
    expect(ok.ok).toBe(true);
    if (ok.ok) expect(ok.find(Array(MAX_JSON_DEPTH).fill(0))).toMatchObject({ line: 1, column: MAX_JSON_DEPTH + 1 });
    // brackets inside strings are not nesting
    expect(parseJsonAt(JSON.stringify({ a: '['.repeat(10_000) }))).toMatchObject({ ok: true });
  });
});
