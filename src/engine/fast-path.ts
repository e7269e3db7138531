// The byte fast path of a journal scan (text formats). Raw chunks (512 KiB from files) are searched,
// undecoded, for the literals every rule pattern needs plus the parser's markers (engine/needles.ts); lines
// are then walked with one indexOf each. A line is decoded, parsed and matched (the scanner's examine)
// when it holds a literal, or when skipping it could change anything the reference path computes.
// Otherwise it is an unremarkable line of the current kubelet process (engine/line-skip.ts) and is only
// counted: one record more for the source and for the current run. The last skipped line before an
// examined one is examined itself first, so the parser and the run tracker see the same last record (run
// end line, last time, year inference) as on the reference path.

import { closeSync, openSync, readSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { Readable } from 'node:stream';
import type { LogRecord } from '../types.js';
import { deriveSignature, dirtyRegion, clean, pendingOverwritten, skipJson, skipText } from './line-skip.js';
import { LiteralScanner } from './byte-search.js';
import type { LineExaminer, SourceState } from './scan-state.js';

/** Bytes of an over-long line that are decoded (enough for MAX_LINE characters, whatever the encoding). */
export const HEAD_CAP = 3 * 64 * 1024 + 4;
/**
 * Longer lines are always examined: the parser cuts lines over 64 KiB, and journald cuts lines at LineMax
 * (48 KiB by default) — such records are marked truncated. (A line cut short elsewhere inside a quoted
 * value is counted as truncated only when examined: the one count the fast path can miss.)
 */
const SKIP_MAX = 8 * 1024;
/** Synchronous file reads give the event loop a turn this often. */
const YIELD_BYTES = 8 << 20;
/** Bytes per read from a file (512 KiB: as fast as 1 MiB, and a smaller peak RSS with two threads). */
const READ_BYTES = 1 << 19;

/** The fast path's chunking state between chunks (a scan may be fed from several streams in order). */
export interface FastCtx {
  literals: string[];
  work: Buffer;
  /** bytes of an incomplete line at the start of `work` */
  carry: number;
  /** a line longer than HEAD_CAP: its head, while the rest is dropped */
  longHead?: Buffer;
  longBytes: number;
  scanner?: LiteralScanner;
  hits: number[];
}

export class FastPath {
  constructor(private readonly x: LineExaminer) {}

  start(literals: string[]): FastCtx {
    const work = Buffer.from(new ArrayBuffer(2 << 20));
    return { literals, work, carry: 0, longBytes: 0, hits: [] };
  }

  /** Feed one stream's chunks (the fast path); ctx carries an incomplete last line to the next stream. */
  async feedStream(stream: Readable, st: SourceState, ctx: FastCtx): Promise<void> {
    for await (const c of stream) this.chunk(st, ctx, typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
  }

  /**
   * Feed bytes [start, end) of a file (parallel scans), read into one reused buffer: no dead chunk buffers
   * between collections, which keeps two threads' peak RSS down. Returns the bytes read.
   */
  async feedFile(path: string, start: number, end: number, st: SourceState, ctx: FastCtx): Promise<number> {
    // Synchronous reads: a regular file is read from the page cache faster than the thread pool hands
    // chunks back (async reads left this thread idle ~15 % of a dense scan). The event loop still gets a
    // turn every few MB, so the TUI's progress and a worker's messages are not held up.
    const fd = openSync(path, 'r');
    try {
      let buf: Buffer | undefined;
      let pos = start;
      let sinceYield = 0;
      while (pos < end) {
        const want = Math.min(READ_BYTES, end - pos);
        let bytesRead: number;
        if (ctx.longHead) {
          // inside an over-long line: its rest goes through fastChunk, which drops it up to the newline
          buf ??= Buffer.allocUnsafeSlow(READ_BYTES);
          bytesRead = readSync(fd, buf, 0, want, pos);
          if (bytesRead > 0) this.chunk(st, ctx, buf.subarray(0, bytesRead));
        } else {
          // straight into the work buffer after the carried partial line: no copy
          const work = this.workRoom(ctx, want);
          bytesRead = readSync(fd, work, ctx.carry, want, pos);
          if (bytesRead > 0) this.work(st, ctx, ctx.carry + bytesRead);
        }
        if (bytesRead === 0) break;
        pos += bytesRead;
        // a file read by offset never passes a stream's 'data' events: say how far it got (the TUI's percentage)
        this.x.opts.onProgress?.(st.info.name, st.lineNo, pos - start);
        if ((sinceYield += bytesRead) >= YIELD_BYTES) {
          sinceYield = 0;
          await new Promise<void>((resolve) => setImmediate(resolve));
        }
      }
      return pos - start;
    } finally {
      closeSync(fd);
    }
  }

  /** The work buffer, grown when needed to take `n` more bytes after the carried ones. */
  private workRoom(ctx: FastCtx, n: number): Buffer {
    const carry = ctx.carry;
    if (carry + n > ctx.work.length) {
      const bigger = Buffer.from(new ArrayBuffer(Math.max(ctx.work.length * 2, carry + n + 4)));
      ctx.work.copy(bigger, 0, 0, carry);
      ctx.work = bigger;
    }
    return ctx.work;
  }

  /** One chunk of the fast path (copied: the caller may reuse it). */
  private chunk(st: SourceState, ctx: FastCtx, chunk: Buffer): void {
    if (ctx.longHead) {
      const nl = chunk.indexOf(10);
      if (nl < 0) {
        ctx.longBytes += chunk.length;
        return;
      }
      const t0 = performance.now();
      const slow0 = this.x.timing.parse + this.x.timing.match;
      this.flush(st);
      st.lineNo++;
      const head = ctx.longHead.toString('utf8');
      this.afterExamined(st, this.x.examine(st, head, st.lineNo, ctx.longBytes + nl), head);
      ctx.longHead = undefined;
      chunk = chunk.subarray(nl + 1);
      this.x.timing.prefilter += performance.now() - t0 - (this.x.timing.parse + this.x.timing.match - slow0);
    }
    chunk.copy(this.workRoom(ctx, chunk.length), ctx.carry);
    this.work(st, ctx, ctx.carry + chunk.length);
  }

  /**
   * The work buffer holds `total` bytes (the carried partial line first): scan and walk its complete lines,
   * carry the incomplete last one (or keep only the head of an over-long one).
   */
  private work(st: SourceState, ctx: FastCtx, total: number): void {
    const t0 = performance.now();
    const slow0 = this.x.timing.parse + this.x.timing.match;
    const work = ctx.work;
    const hits = ctx.hits;
    const lastNl = total ? work.lastIndexOf(10, total - 1) : -1;
    if (lastNl >= 0) {
      ctx.scanner ??= new LiteralScanner(ctx.literals, work.subarray(0, Math.min(total, 1 << 20)));
      hits.length = 0;
      ctx.scanner.scan(work, 0, lastNl + 1, hits);
      this.walk(st, work, lastNl + 1, hits);
      work.copyWithin(0, lastNl + 1, total);
      ctx.carry = total - lastNl - 1;
    } else ctx.carry = total;
    if (ctx.carry > HEAD_CAP) {
      ctx.longHead = Buffer.from(work.subarray(0, HEAD_CAP));
      ctx.longBytes = ctx.carry;
      ctx.carry = 0;
    }
    this.x.timing.prefilter += performance.now() - t0 - (this.x.timing.parse + this.x.timing.match - slow0);
    this.x.opts.onProgress?.(st.info.name, st.lineNo);
  }

  /** The end of the input: the pending skipped line, and a last line without a newline. */
  end(st: SourceState, ctx: FastCtx): void {
    this.flush(st);
    if (ctx.longHead) {
      st.lineNo++;
      this.x.examine(st, ctx.longHead.toString('utf8'), st.lineNo, ctx.longBytes);
    } else if (ctx.carry > 0) {
      st.lineNo++;
      this.x.examine(st, ctx.work.toString('utf8', 0, ctx.carry), st.lineNo, ctx.carry);
    }
    this.x.endSource(st);
  }

  /** Walk the complete lines of buf[0, end): skip the unremarkable ones, examine the rest. */
  private walk(st: SourceState, buf: Buffer, end: number, hits: number[]): void {
    // invalid UTF-8, NUL or U+FFFD anywhere in the chunk: check line by line (such lines are examined)
    const dirty = dirtyRegion(buf.subarray(0, end));
    let h = 0;
    let s = 0;
    while (s < end) {
      const nl = buf.indexOf(10, s);
      st.lineNo++;
      let hit = false;
      while (h < hits.length && hits[h]! < nl) {
        hit = true;
        h++;
      }
      const sig = st.sig;
      const skippable = !!sig && st.canSkip && nl - s <= SKIP_MAX && (sig.json ? skipJson(buf, s, nl, sig) : skipText(buf, s, nl, sig)) && (!dirty || clean(buf, s, nl));
      if (!hit && skippable) {
        if (st.pendingLine >= 0) st.skipped++;
        st.pendingBuf = buf;
        st.pendingStart = s;
        st.pendingEnd = nl;
        st.pendingLine = st.lineNo;
      } else {
        if (hit && skippable && st.pendingLine >= 0 && pendingOverwritten(st, buf, s, sig!)) this.countPending(st);
        this.flush(st);
        const len = nl - s;
        const line = buf.toString('utf8', s, len > HEAD_CAP ? s + HEAD_CAP : nl);
        const rec = this.x.examine(st, line, st.lineNo, len, true, !dirty && len <= HEAD_CAP);
        this.afterExamined(st, rec, line);
      }
      s = nl + 1;
    }
    // the pending line's bytes are about to be overwritten: decode it now
    if (st.pendingLine >= 0 && st.pendingBuf) {
      st.pendingText = st.pendingBuf.toString('utf8', st.pendingStart, st.pendingEnd);
      st.pendingBuf = undefined;
    }
  }

  /** Account for the skipped lines, the pending one included, without examining any (see pendingOverwritten). */
  countPending(st: SourceState): void {
    const n = st.skipped + 1;
    st.pendingLine = -1;
    st.pendingBuf = undefined;
    st.pendingText = undefined;
    st.skipped = 0;
    this.x.records += n;
    st.sig!.run.records += n;
  }

  /** Account for skipped lines: each was a record of the current run; the last one is examined. */
  private flush(st: SourceState): void {
    if (st.pendingLine < 0) return;
    const text = st.pendingBuf ? st.pendingBuf.toString('utf8', st.pendingStart, st.pendingEnd) : st.pendingText!;
    const line = st.pendingLine;
    const n = st.skipped;
    st.pendingLine = -1;
    st.pendingBuf = undefined;
    st.pendingText = undefined;
    st.skipped = 0;
    if (n > 0) {
      this.x.records += n;
      st.sig!.run.records += n;
    }
    // a skippable line (no literal): parsed for the run tracker and the parser's state, never matched
    const rec = this.x.examine(st, text, line, text.length, false);
    this.afterExamined(st, rec, text);
  }

  /** After an examined line: may the following lines be skipped, and against which prefix bytes? */
  private afterExamined(st: SourceState, rec: LogRecord | undefined, line: string): void {
    const runs = this.x.tracker.runs;
    const run = runs[runs.length - 1];
    if (rec && rec.fromKubelet && rec.pid !== undefined && run && run.pid === rec.pid && run.firstTime !== undefined && (rec.level === 'I' || rec.level === 'W' || rec.level === 'E')) {
      st.sig = deriveSignature(line, rec, run, st.sig);
    }
    const sig = st.sig;
    st.canSkip = !!sig && st.parser.idle && run === sig.run && run.pid === sig.pid;
    if (st.probe) {
      const probe = st.probe;
      st.probe = undefined;
      probe(rec);
    }
  }
}
