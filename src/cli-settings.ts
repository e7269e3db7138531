// A scan's settings from its flags, positional files and the config file, in that order of precedence:
// a flag given on the command line wins over the file, the file over the default. -o is kubectl's format
// flag; the report file is --output-file (an -o/--output that names no format is still taken as a file,
// with a note, so older command lines keep working).

import type { Command } from 'commander';
import { findConfig, loadConfig, UsageError } from './cli-config.js';
import { FORMATS } from './render/index.js';

export interface ScanSettings {
  journals?: string[];
  format: string;
  /** A format was asked for (flag or config file): the TUI gives way to it. */
  formatGiven: boolean;
  outputFile?: string;
  failOn: string;
  /** --ignore and the file's ignore list together. */
  ignore: string[];
  /** The file's ignore list alone (checked against the rules, naming the file). */
  fileIgnore: string[];
  rules?: string[];
  configPath?: string;
}

export function scanSettings(cmd: Command, opts: Record<string, any>, files: string[], o: { cwd?: string; warn?: (s: string) => void } = {}): ScanSettings {
  const warn = o.warn ?? ((s: string) => process.stderr.write(`kubelet-doctor: ${s}\n`));
  const cfgPath = (opts.config as string | undefined) ?? findConfig(o.cwd);
  const loaded = cfgPath ? loadConfig(cfgPath, { explicit: !!opts.config, formats: FORMATS }) : {};
  if (loaded.warning) warn(loaded.warning);
  const file = loaded.config;
  const fromCli = (k: string) => cmd.getOptionValueSource(k) === 'cli';

  let outputFile = opts.outputFile as string | undefined;
  let dashO = opts.output as string | undefined;
  if (dashO !== undefined && !FORMATS.includes(dashO)) {
    if (outputFile !== undefined || /^[a-z]+$/.test(dashO)) throw new UsageError(`-o/--output: not a format: "${dashO}" (one of ${FORMATS.join(', ')}; the report file is --output-file FILE)`);
    warn(`--output ${dashO}: taken as --output-file ${dashO} (-o/--output names the format now, as in kubectl)`);
    outputFile = dashO;
    dashO = undefined;
  }
  if (dashO !== undefined && opts.format !== undefined && dashO !== opts.format) throw new UsageError(`-o ${dashO} and --format ${opts.format} disagree: give one`);
  const format = dashO ?? (opts.format as string | undefined) ?? file?.format ?? 'text';

  const journals = [...((opts.journal as string[] | undefined) ?? []), ...files];
  const fileIgnore = file?.ignore ?? [];
  return {
    journals: journals.length ? journals : undefined,
    format,
    formatGiven: dashO !== undefined || opts.format !== undefined || file?.format !== undefined,
    outputFile,
    failOn: fromCli('failOn') || !file?.failOn ? (opts.failOn as string) : file.failOn,
    ignore: [...((opts.ignore as string[] | undefined) ?? []), ...fileIgnore],
    fileIgnore,
    rules: [...((opts.rules as string[] | undefined) ?? []), ...(file?.rules ?? [])],
    configPath: file?.path,
  };
}
