// Inputs named on the command line are checked before anything is read, so a typo is exit 2 with the
// reason rather than an empty (green-looking) scan: a --journal must exist and be a readable file or a
// FIFO (a stream: `--journal <(journalctl -fu kubelet)`); a device (/dev/zero, /dev/urandom) never ends
// and is refused, as are directories and sockets. A --root must be a directory.

import { accessSync, constants, statSync } from 'node:fs';

export class InputError extends Error {}

function statOf(what: string, p: string) {
  try {
    return statSync(p);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(`${what} ${p}: ${code === 'ENOENT' || code === 'ENOTDIR' ? 'no such file or directory' : code === 'EACCES' ? 'permission denied' : (e as Error).message}`);
  }
}

/** Throws an InputError naming the first unusable --journal. */
export function checkJournalPath(p: string): void {
  if (p === '-') return;
  const st = statOf('--journal', p);
  if (st.isDirectory()) throw new InputError(`--journal ${p} is a directory (give the log file, or journalctl --directory=${p} … | kubelet-doctor scan)`);
  if (st.isCharacterDevice() || st.isBlockDevice()) throw new InputError(`--journal ${p} is a device, not a log file; not read`);
  if (st.isSocket()) throw new InputError(`--journal ${p} is a socket, not a log file; not read`);
  try {
    accessSync(p, constants.R_OK);
  } catch {
    throw new InputError(`--journal ${p}: permission denied`);
  }
}

/** Throws an InputError when --root is not a directory. */
export function checkRootPath(p: string): void {
  const st = statOf('--root', p);
  if (!st.isDirectory()) throw new InputError(`--root ${p} is not a directory (give the folder the node was captured into)`);
  try {
    accessSync(p, constants.R_OK | constants.X_OK);
  } catch {
    throw new InputError(`--root ${p}: permission denied`);
  }
}
