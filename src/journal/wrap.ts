// The continuation state machine for hard-wrapped text: one journal line broken into two or three by a
// terminal, a mail client or a person re-flowing a paste — the wrap may fall mid-word. Decides what a line
// without a prefix or klog header of its own is to the record before it: the rest of that record's text
// (rejoined before matching), an attached continuation line (journalctl's indented lines of a multi-line
// message, stack frames), or a record of its own. Kept apart from the decoders (prefix.ts, decorations.ts):
// it only looks at the shape of the two lines.

/** The last record as the state machine sees it. */
export interface WrapTail {
  /** The record's message (klog header removed), as rejoined so far. */
  message: string;
  /** The record's first line had a journal prefix (a `-o short*` journal, a syslog file). */
  prefixed: boolean;
  /** The record has a klog header (full or cut down). */
  klog: boolean;
  /** The record's structured text ended inside a quoted value. */
  unterminated: boolean;
  /** The record was cut by journalctl/systemctl (`…`): nothing follows it. */
  ellipsized: boolean;
  /** Characters of the last physical line of the record as printed. */
  lastWidth: number;
  /** Physical lines joined into it so far. */
  joined: number;
}

export type WrapDecision = { join: true; separator: string } | { join: false };

/** A terminal or a paste box that hard-wraps lines wraps them at about this width or wider. */
export const WRAP_WIDTH = 78;
/** A record is rejoined from at most this many physical lines (a 400-character structured line at 80 columns is 5). */
const MAX_JOINED = 6;
/**
 * In a prefixed journal every entry carries its prefix, so a line without one is surely a piece of the last:
 * longer records are rejoined (a 1,000-character line with its prefix at 80 columns is 13 pieces).
 */
const MAX_JOINED_PREFIXED = 16;
/** Lines that begin a message of their own in a raw kubelet log (stderr text besides klog lines). */
const OWN_LINE = /^(?:(?:Flag|Error|Usage|Flags|Global Flags|Examples|Available Commands|Warning|W\d{4}|I\d{4}|E\d{4}|F\d{4}|goroutine|panic|fatal error)\b|-{1,2}[\w-]|[A-Z][a-z]+ [a-z]+ )/;

const WORD = /^\w$/;
/** What starts a record of its own even inside an open quoted value: a klog header, a Go panic or dump. */
const RECORD_START = /^(?:[IWEF]\d{4} |goroutine \d|panic: |fatal error: |Flag --|Error: )/;
/** A logrus line (containerd, CRI-O, k3s) starts so. */
const LOGRUS = /^(?:time="|level=)/;

/** The start of another program's line: `ident: `, logfmt, `key=value`. */
const OTHER_PROGRAM = /^(?:[\w.-]+(?:\[\d+\])?: |time="|level=|\w+=\S)/;

/** Open brackets or quotes left at the end of a message (printf-era text wrapped inside `[…]` or `(…)`). */
function open(message: string): boolean {
  let depth = 0;
  for (let i = 0; i < message.length; i++) {
    const c = message.charCodeAt(i);
    if (c === 91 || c === 40 || c === 123) depth++;
    else if ((c === 93 || c === 41 || c === 125) && depth > 0) depth--;
  }
  return depth > 0;
}

/**
 * What `line` (no journal prefix, no klog header, not a stack line; `indented` when it began with
 * whitespace) is to `tail`, the record before it.
 */
export function decideWrap(tail: WrapTail | undefined, line: string, indented: boolean): WrapDecision {
  if (!tail || tail.ellipsized || tail.joined >= (tail.prefixed ? MAX_JOINED_PREFIXED : MAX_JOINED)) return { join: false };
  const text = indented ? line.trimStart() : line;
  if (!text || text === '>' || /^[-=_*#~`]+$/.test(text)) return { join: false };
  const msg = tail.message;
  const fullWidth = tail.lastWidth >= WRAP_WIDTH;
  const lastChar = msg.charCodeAt(msg.length - 1);
  // a wrap at the terminal width keeps every character: join as printed; a re-flowed paste drops the space
  const separator = lastChar === 32 || (!indented && fullWidth) ? '' : ' ';
  // without journal prefixes (`-o cat`, a bare paste) other programs' lines stand between the kubelet's
  const own = !tail.prefixed && (OWN_LINE.test(text) || LOGRUS.test(text));
  const other = own || (!tail.prefixed && OTHER_PROGRAM.test(text));
  // a klog line without a journal prefix that filled the terminal's width: a bare line after it is its rest —
  // when the wrap fell mid-word or at a blank (one blank leads the line) even if the rest looks like `word: ` or
  // `key=value` (` failed: rpc error: …`): another program's line is never indented by one blank
  if (!tail.prefixed && tail.klog && fullWidth && !own) {
    const midWord = !indented && WORD.test(msg[msg.length - 1] ?? '') && WORD.test(text[0]!);
    if (midWord || (indented ? /^ \S/.test(line) : !other)) return { join: true, separator };
  }
  // a quoted value left open by a line that filled the width: a capitalised phrase after it (`Unknown desc = …`
  // inside err="rpc error: code = ") is the value's rest; only a record's own start ends it
  if (tail.unterminated && fullWidth && !LOGRUS.test(text) && !RECORD_START.test(text)) return { join: true, separator };
  if (other) return { join: false };
  if (tail.unterminated || open(msg)) return { join: true, separator };
  // one blank and text after a line that filled the width: the wrap fell at a blank (journalctl indents the
  // continuation lines of a multi-line message to the message column, many blanks deep)
  if (indented && fullWidth && tail.prefixed && /^ \S/.test(line)) return { join: true, separator };
  if (indented) return { join: false }; // journalctl's continuation lines of a multi-line message
  // a prefixed journal prints every entry with its prefix: a line without one is the rest of the last
  if (tail.prefixed) return { join: true, separator };
  return { join: false };
}
