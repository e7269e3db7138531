// Unpacking a node bundle for `scan --bundle`. A bundle is hostile input: it is unpacked into a fresh
// private folder (mkdtemp, 0700), entry by entry, with limits on entry count, entry size and total size;
// paths with `..`, absolute paths and entries through a symbolic link are refused; files are written
// exclusively (no duplicates, no overwrite) and never executable; devices, FIFOs and hard links are
// refused; symbolic links are made last and re-pointed inside the folder (an absolute or `..`-climbing
// target is resolved as the node would, rooted at the bundle, then written relative). What was refused is
// listed, and the scan goes on with the rest.

import { closeSync, createReadStream, lstatSync, mkdirSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { createGunzip } from 'node:zlib';
import { MANIFEST_PATH, parseManifest, type BundleManifest } from './manifest.js';
import { readTar, TarFormatError } from './tar.js';

export interface UnpackLimits {
  maxEntries: number;
  maxEntryBytes: number;
  maxTotalBytes: number;
}

export const DEFAULT_LIMITS: UnpackLimits = { maxEntries: 50_000, maxEntryBytes: 300 * 1024 * 1024, maxTotalBytes: 1024 * 1024 * 1024 };

export interface Unpacked {
  dir: string;
  manifest?: BundleManifest;
  /** Entries not unpacked, each with the reason. */
  refused: string[];
  cleanup(): void;
}

export class BundleError extends Error {}

/** Split a tar path into safe components, or say why it is refused. */
export function safeParts(path: string): string[] | string {
  if (path.includes('\0')) return 'a NUL byte in the name';
  if (path.startsWith('/')) return 'an absolute path';
  const parts = path.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.some((p) => p === '..')) return 'a ".." component (path traversal)';
  if (parts.length === 0) return 'an empty name';
  return parts;
}

/** Whether every existing component of `parts` under `dir` is a real folder (no symlink to write through). */
function throughRealDirs(dir: string, parts: string[]): boolean {
  let cur = dir;
  for (const p of parts) {
    cur = join(cur, p);
    try {
      if (!lstatSync(cur).isDirectory()) return false;
    } catch {
      return true; // the rest does not exist yet: mkdir makes real folders
    }
  }
  return true;
}

/** Unpack a bundle (.tar.gz, or a plain .tar) into a fresh private folder. */
export async function unpackBundle(file: string, limits: UnpackLimits = DEFAULT_LIMITS): Promise<Unpacked> {
  const dir = mkdtempSync(join(tmpdir(), 'kubelet-doctor-bundle-'));
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  const refused: string[] = [];
  const links: { parts: string[]; target: string }[] = [];
  let entries = 0;
  let total = 0;
  try {
    const head = Buffer.alloc(2);
    try {
      const fd = openSync(file, 'r');
      try {
        readSync(fd, head, 0, 2, 0);
      } finally {
        closeSync(fd);
      }
    } catch (e) {
      throw new BundleError(`${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
    }
    const gz = head[0] === 0x1f && head[1] === 0x8b;
    const raw = createReadStream(file);
    const stream = gz ? raw.pipe(createGunzip()) : raw;
    raw.on('error', (e) => stream.destroy(e));
    await readTar(
      stream as AsyncIterable<Buffer>,
      (e, data) => {
        if (++entries > limits.maxEntries) throw new BundleError(`${file}: more than ${limits.maxEntries} entries; not a node bundle (or a hostile one)`);
        const parts = safeParts(e.path);
        if (typeof parts === 'string') return void refused.push(`${e.path}: ${parts}`);
        if (e.type === 'other') return void refused.push(`${e.path}: not a file, folder or symbolic link (tar type ${JSON.stringify(e.typeflag)})`);
        if (!throughRealDirs(dir, parts.slice(0, -1))) return void refused.push(`${e.path}: its folder is a symbolic link or a file in the bundle`);
        const target = join(dir, ...parts);
        if (e.type === 'symlink') return void links.push({ parts, target: e.linkname ?? '' });
        if (e.type === 'dir') {
          if (!throughRealDirs(dir, parts)) return void refused.push(`${e.path}: already a file or link in the bundle`);
          mkdirSync(target, { recursive: true, mode: 0o700 });
          return;
        }
        total += data.length;
        if (total > limits.maxTotalBytes) throw new BundleError(`${file}: unpacks to more than ${limits.maxTotalBytes} bytes; not unpacked further`);
        mkdirSync(join(dir, ...parts.slice(0, -1)), { recursive: true, mode: 0o700 });
        try {
          writeFileSync(target, data, { flag: 'wx', mode: 0o600 });
        } catch (err) {
          refused.push(`${e.path}: ${(err as NodeJS.ErrnoException).code === 'EEXIST' ? 'a second entry of that name' : (err as Error).message}`);
        }
      },
      { maxEntryBytes: limits.maxEntryBytes },
    );
    for (const l of links) {
      const at = `/${l.parts.join('/')}`;
      if (!throughRealDirs(dir, l.parts.slice(0, -1))) {
        refused.push(`${at.slice(1)}: its folder is a symbolic link or a file in the bundle`);
        continue;
      }
      // resolved as on the node, rooted at the bundle: `..` stops at the root, as it does at `/`
      const from = posix.dirname(at);
      const resolved = posix.normalize(l.target.startsWith('/') ? l.target : posix.join(from, l.target));
      const relTarget = posix.relative(from, resolved) || '.';
      mkdirSync(join(dir, ...l.parts.slice(0, -1)), { recursive: true, mode: 0o700 });
      try {
        symlinkSync(relTarget, join(dir, ...l.parts));
      } catch (err) {
        refused.push(`${at.slice(1)}: ${(err as NodeJS.ErrnoException).code === 'EEXIST' ? 'a second entry of that name' : (err as Error).message}`);
      }
    }
  } catch (e) {
    cleanup();
    if (e instanceof BundleError) throw e;
    if (e instanceof TarFormatError) throw new BundleError(`${file}: ${e.message}`);
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'Z_DATA_ERROR' || code === 'Z_BUF_ERROR') throw new BundleError(`${file}: not a valid gzip stream (${(e as Error).message})`);
    throw new BundleError(`${file}: cannot unpack: ${(e as Error).message}`);
  }
  let manifest: BundleManifest | undefined;
  try {
    if (lstatSync(join(dir, MANIFEST_PATH)).isFile()) manifest = parseManifest(readFileSync(join(dir, MANIFEST_PATH), 'utf8'));
  } catch {
    manifest = undefined;
  }
  return { dir, manifest, refused, cleanup };
}
