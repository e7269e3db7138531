// JSON parsing that says where it failed (file:line:column), for CNI configs and daemon.json.

export type JsonResult = { ok: true; value: unknown } | { ok: false; line: number; column: number; message: string; text: string };

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

/** Parse JSON; on failure give the line/column of the error and that line's text. */
export function parseJsonAt(text: string): JsonResult {
  try {
    return { ok: true, value: JSON.parse(text.replace(/^\uFEFF/, '')) };
  } catch (e) {
    const msg = (e as Error).message;
    const m = /at position (\d+)/.exec(msg);
    const pos = m ? Number(m[1]) : errorPosition(text);
    const { line, column } = lineCol(text, pos);
    const src = text.split('\n')[line - 1] ?? '';
    const message = msg.replace(/ in JSON at position \d+.*$/, '').replace(/, "[\s\S]*" is not valid JSON$/, '').replace(/, \.\.\."[\s\S]*$/, '');
    return { ok: false, line, column, message, text: src.replace(/\r$/, '') };
  }
}

/**
 * Where a JSON text first goes wrong (V8 does not always say): a strict scanner that stops at the
 * first character no JSON grammar allows there.
 */
export function errorPosition(text: string): number {
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const n = text.length;
  const ws = () => {
    while (i < n && ' \t\r\n'.includes(text[i]!)) i++;
  };
  const fail = (): never => {
    throw i;
  };
  const str = () => {
    i++;
    while (i < n && text[i] !== '"') {
      if (text[i] === '\\') i++;
      else if (text.charCodeAt(i) < 32) fail();
      i++;
    }
    if (i >= n) fail();
    i++;
  };
  const val = (depth: number): void => {
    if (depth > 512) fail();
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') return void i++;
      for (;;) {
        ws();
        if (text[i] !== '"') fail();
        str();
        ws();
        if (text[i] !== ':') fail();
        i++;
        val(depth + 1);
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === '}') return void i++;
        else fail();
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') return void i++;
      for (;;) {
        val(depth + 1);
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === ']') return void i++;
        else fail();
      }
    }
    if (c === '"') return str();
    const m = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(i, i + 64));
    if (!m) fail();
    i += m![0].length;
  };
  try {
    val(0);
    ws();
    if (i < n) fail();
  } catch (p) {
    if (typeof p === 'number') return Math.min(p, n);
    throw p;
  }
  return n;
}
