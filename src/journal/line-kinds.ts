// The kinds of lines the record parser tells apart by their shape alone (records.ts): the lines of a Go dump after
// a fatal line, journalctl's and systemctl's notices around the entries; and what a closed `key=<` block hands out.

import type { LogRecord } from '../types.js';

/** Lines of a Go panic / klog.Fatal goroutine dump (after the line that printed it). */
export const STACK_LINE =
  /^(?:goroutine \d+ |created by |panic: |fatal error: |\[signal |\[recovered\]|runtime stack:|\.\.\.additional frames elided\.\.\.|\.\.\.\d+ frames elided\.\.\.|exit status \d|SIG[A-Z]+: |PC=0x|signal arrived during|(?:r[a-z0-9]{1,3}|rip|rflags|[cfg]s)\s+0x|\s|[\w./*()\-]+\(.*\)$|$)/;
/** A Go panic or fatal signal dump starts (engine/needles.ts derives fast-path markers from this: keep it a flat alternation of literals). */
export const FATAL_START = /^(?:panic: |fatal error: |SIGQUIT: |SIGABRT: |SIGSEGV: |SIGBUS: |SIGILL: |SIGTRAP: )/;
/** Notices journalctl and systemctl print around the entries. */
export const NOTICE = /^(?:Hint: Some lines were ellipsized|Warning: (?:The unit file|Journal file .* is truncated|Journal has been rotated)|Hint: You are currently not seeing messages from other users|No journal files were found)/;

/** A `key=<` block value that ended (RecordParser.takeBlock). */
export interface ClosedBlock {
  /** the record whose message opened the block (its endLine covers the block's lines) */
  rec: LogRecord;
  key: string;
  /** the block's text, indentation removed (as in rec.fields[key] when the block was closed) */
  value: string;
  /** the block's lines as printed */
  lines: string[];
}

