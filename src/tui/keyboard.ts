// Where keys come from: stdin when it is the terminal; /dev/tty when stdin carries the journal
// (`journalctl -u kubelet | kubelet-doctor scan`); none when no terminal can be opened, and then
// the app only displays (ink would otherwise show its raw-mode error box).

import { openSync } from 'node:fs';
import { ReadStream } from 'node:tty';

export interface Keyboard {
  stream?: NodeJS.ReadStream;
  /** Where the keys come from, for messages. */
  from: 'stdin' | '/dev/tty' | 'none';
  close(): void;
}

export function openKeyboard(stdin: NodeJS.ReadStream = process.stdin, ttyPath = '/dev/tty'): Keyboard {
  if (stdin.isTTY) return { stream: stdin, from: 'stdin', close: () => {} };
  try {
    const fd = openSync(ttyPath, 'r');
    const stream = new ReadStream(fd) as NodeJS.ReadStream;
    if (!stream.isTTY) {
      stream.destroy();
      return { from: 'none', close: () => {} };
    }
    return {
      stream,
      from: '/dev/tty',
      close: () => {
        try {
          stream.setRawMode?.(false);
        } catch {
          // the terminal may already be gone
        }
        stream.destroy();
      },
    };
  } catch {
    return { from: 'none', close: () => {} };
  }
}
