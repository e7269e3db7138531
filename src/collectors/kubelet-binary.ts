// The kubelet's version from its binary, read as a file and never run. Go (1.18+) writes a build-info
// blob into the `.go.buildinfo` section: a 32-byte header starting `\xff Go buildinf:`, then (flag 2 set)
// the Go version and the module info as varint-prefixed strings. Kubernetes releases set their version
// with `-X k8s.io/component-base/version.gitVersion=v1.30.2`, which the module info records in the
// `build -ldflags=` line when the build did not use -trimpath. Anything else: the version is unknown.
//
// Reads are bounded: the ELF header and section table, then at most 64 KiB of the section; without
// section headers, the first SCAN_LIMIT bytes are searched for the magic. Regular files only (opened
// non-blocking, type checked on the open descriptor, so a FIFO or device swapped in is never read).

import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { resolveInRoot } from './proc-fs.js';

const MAGIC = Buffer.from('\xff Go buildinf:', 'latin1');
const SECTION_READ = 64 * 1024;
/** How far into a file without usable section headers the magic is searched for. */
export const SCAN_LIMIT = 16 * 1024 * 1024;

function readAt(fd: number, pos: number, len: number): Buffer {
  const buf = Buffer.alloc(len);
  let got = 0;
  while (got < len) {
    const n = readSync(fd, buf, got, len - got, pos + got);
    if (n <= 0) break;
    got += n;
  }
  return buf.subarray(0, got);
}

/** The file offset of `.go.buildinfo` from the ELF section table, or undefined. */
function elfBuildInfoOffset(fd: number, size: number): number | undefined {
  const h = readAt(fd, 0, 64);
  if (h.length < 52 || h.readUInt32BE(0) !== 0x7f454c46) return undefined;
  const is64 = h[4] === 2;
  const le = h[5] === 1;
  const u16 = (b: Buffer, o: number) => (le ? b.readUInt16LE(o) : b.readUInt16BE(o));
  const u32 = (b: Buffer, o: number) => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
  const uN = (b: Buffer, o: number) => (is64 ? Number(le ? b.readBigUInt64LE(o) : b.readBigUInt64BE(o)) : u32(b, o));
  const shoff = uN(h, is64 ? 0x28 : 0x20);
  const shentsize = u16(h, is64 ? 0x3a : 0x2e);
  const shnum = u16(h, is64 ? 0x3c : 0x30);
  const shstrndx = u16(h, is64 ? 0x3e : 0x32);
  if (!shoff || shnum === 0 || shnum > 4096 || shentsize < (is64 ? 64 : 40) || shoff + shnum * shentsize > size) return undefined;
  const table = readAt(fd, shoff, shnum * shentsize);
  const sec = (i: number) => {
    const o = i * shentsize;
    return { name: u32(table, o), offset: uN(table, o + (is64 ? 0x18 : 0x10)), size: uN(table, o + (is64 ? 0x20 : 0x14)) };
  };
  if (shstrndx >= shnum) return undefined;
  const strtab = sec(shstrndx);
  if (strtab.offset + strtab.size > size || strtab.size > 1024 * 1024) return undefined;
  const names = readAt(fd, strtab.offset, strtab.size);
  for (let i = 0; i < shnum; i++) {
    const s = sec(i);
    const end = names.indexOf(0, s.name);
    if (names.toString('latin1', s.name, end < 0 ? undefined : end) === '.go.buildinfo') return s.offset < size ? s.offset : undefined;
  }
  return undefined;
}

function uvarint(b: Buffer, pos: number): [number, number] | undefined {
  let x = 0;
  let shift = 0;
  for (let i = pos; i < b.length && i < pos + 10; i++) {
    const c = b[i]!;
    x += (c & 0x7f) * 2 ** shift;
    if (c < 0x80) return [x, i + 1];
    shift += 7;
  }
  return undefined;
}

/** The Go version and module info from a build-info blob starting at `at` in `b` (inline strings only). */
export function parseBuildInfo(b: Buffer, at = b.indexOf(MAGIC)): { goVersion: string; modinfo: string } | undefined {
  if (at < 0 || at + 32 > b.length || !b.subarray(at, at + MAGIC.length).equals(MAGIC)) return undefined;
  const flags = b[at + 15]!;
  if (!(flags & 2)) return undefined; // pre-1.18 layout: pointers into the data segment, not followed
  const v = uvarint(b, at + 32);
  if (!v || v[1] + v[0] > b.length) return undefined;
  const goVersion = b.toString('utf8', v[1], v[1] + v[0]);
  const m = uvarint(b, v[1] + v[0]);
  if (!m || m[1] + m[0] > b.length) return { goVersion, modinfo: '' };
  let modinfo = b.toString('utf8', m[1], m[1] + m[0]);
  // module info is framed by two 16-byte sentinels
  if (modinfo.length >= 33 && modinfo[modinfo.length - 17] === '\n') modinfo = modinfo.slice(16, -16);
  return { goVersion, modinfo };
}

/** The Kubernetes version an `-X …/version.gitVersion=` in the build info set, e.g. `v1.30.2`. */
export function versionFromModinfo(modinfo: string): string | undefined {
  const m = /k8s\.io\/(?:component-base|client-go\/pkg)\/version\.gitVersion=(v\d+\.\d+\.\d+[\w.+-]*)/.exec(modinfo);
  return m?.[1];
}

/** The version of the binary at `hostPath` (a path on this machine under the root), read as a file. */
export function binaryFileVersion(hostPath: string): string | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(hostPath, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
    const st = fstatSync(fd);
    if (!st.isFile()) return undefined;
    const off = elfBuildInfoOffset(fd, st.size);
    const blob = off !== undefined ? readAt(fd, off, Math.min(SECTION_READ, st.size - off)) : undefined;
    let info = blob ? parseBuildInfo(blob) : undefined;
    if (!info) {
      // no section table: search the head of the file in chunks
      const chunk = 1024 * 1024;
      for (let pos = 0; pos < Math.min(st.size, SCAN_LIMIT) && !info; pos += chunk - 64) {
        const b = readAt(fd, pos, Math.min(chunk + SECTION_READ, st.size - pos));
        const at = b.indexOf(MAGIC);
        if (at >= 0 && at < chunk) info = parseBuildInfo(b, at);
      }
    }
    return info ? versionFromModinfo(info.modinfo) : undefined;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined)
      try {
        closeSync(fd);
      } catch {
        /* ignore */
      }
  }
}

/** The kubelet version from its binary (host path of a believed kubelet, or a node path resolved under the root). */
export function buildInfoVersion(root: string, exeHost?: string, nodePath?: string): string | undefined {
  let host = exeHost;
  if (!host && nodePath?.startsWith('/')) {
    const r = resolveInRoot(root, nodePath);
    if (r.ok && r.type === 'file') host = r.real;
  }
  return host ? binaryFileVersion(host) : undefined;
}
