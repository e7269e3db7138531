// Pure parsers for the plain-text system files the `system` collector reads: proc/swaps,
// proc/meminfo, proc/modules, proc/cmdline, etc/selinux/config, sysctl values.

export interface SwapDevice {
  filename: string;
  type: string;
  sizeKiB: number;
  usedKiB: number;
  priority: number;
  line: number;
  text: string;
}

/** proc/swaps: a header, then `Filename Type Size Used Priority` per active device. */
export function parseSwaps(text: string): { devices: SwapDevice[]; bad: number[]; header: boolean } {
  const devices: SwapDevice[] = [];
  const bad: number[] = [];
  let header = false;
  text.split('\n').forEach((raw, i) => {
    const l = raw.replace(/\r$/, '');
    if (l.trim() === '') return;
    if (/^Filename\s+Type/i.test(l)) {
      header = true;
      return;
    }
    const f = l.trim().split(/\s+/);
    // the file name may contain (escaped) spaces; the last four fields are fixed
    if (f.length < 5 || !/^\d+$/.test(f[f.length - 3]!) || !/^\d+$/.test(f[f.length - 2]!) || !/^-?\d+$/.test(f[f.length - 1]!)) {
      bad.push(i + 1);
      return;
    }
    devices.push({
      filename: f.slice(0, f.length - 4).join(' ').replace(/\\040/g, ' '),
      type: f[f.length - 4]!,
      sizeKiB: Number(f[f.length - 3]),
      usedKiB: Number(f[f.length - 2]),
      priority: Number(f[f.length - 1]),
      line: i + 1,
      text: l,
    });
  });
  return { devices, bad, header };
}

/** proc/meminfo: `Key:   value kB` → key → { kB, line }. */
export function parseMeminfo(text: string): Record<string, { value: number; line: number; text: string }> {
  const out: Record<string, { value: number; line: number; text: string }> = {};
  text.split('\n').forEach((raw, i) => {
    const m = /^([A-Za-z0-9_()]+):\s+(\d+)(?:\s+kB)?\s*$/.exec(raw.replace(/\r$/, ''));
    if (m) out[m[1]!] = { value: Number(m[2]), line: i + 1, text: raw.trim() };
  });
  return out;
}

/** proc/modules: `name size refcount deps state address` → name → line. */
export function parseModules(text: string): Record<string, { line: number; text: string }> {
  const out: Record<string, { line: number; text: string }> = {};
  text.split('\n').forEach((raw, i) => {
    const m = /^([A-Za-z0-9_-]+)\s+\d+/.exec(raw);
    if (m) out[m[1]!.replace(/-/g, '_')] = { line: i + 1, text: raw.trim() };
  });
  return out;
}

/** A kernel command line → parameters (the last occurrence wins; flags map to ''). */
export function parseCmdline(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /(?:[^\s"=]+)(?:=(?:"[^"]*"|\S*))?/g;
  for (const m of text.trim().match(re) ?? []) {
    const eq = m.indexOf('=');
    if (eq < 0) out[m] = '';
    else out[m.slice(0, eq)] = m.slice(eq + 1).replace(/^"(.*)"$/, '$1');
  }
  return out;
}

/** etc/selinux/config `SELINUX=` line. */
export function parseSelinuxConfig(text: string): { mode?: string; line?: number; text?: string } {
  let out: { mode?: string; line?: number; text?: string } = {};
  text.split('\n').forEach((raw, i) => {
    const m = /^\s*SELINUX\s*=\s*"?([A-Za-z]+)"?\s*(?:#.*)?$/.exec(raw);
    if (m) out = { mode: m[1]!.toLowerCase(), line: i + 1, text: raw.trim() };
  });
  return out;
}

/** A sysctl file's value: one token (`0`, `1`); undefined for garbage. */
export function parseSysctlValue(text: string): string | undefined {
  const t = text.trim();
  return /^[\w.-]+$/.test(t) ? t : undefined;
}
