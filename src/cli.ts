// The command line: argv → options → scan/check/rules/explain → output. Owns exit codes:
// 0 nothing at or above --fail-on, 1 findings at or above it, 2 usage or internal error.

import { writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { checkIgnore, CONFIG_NAME, nearest, parseKubeletVersion, UsageError } from './cli-config.js';
import { scanSettings } from './cli-settings.js';
import { addHelp, completionScript } from './cli-help.js';
import { Chalk } from 'chalk';
import { registerCollect } from './bundle/commands.js';
import { registerFleet } from './fleet/command.js';
import { renderCheck, runCheck } from './check.js';
import { checkJournalPath, checkRootPath } from './input-check.js';
import { redact } from './redact.js';
import { FORMATS, RENDERERS } from './render/index.js';
import { loadRules } from './rules/load.js';
import { showTemplate, type Rule } from './rules/model.js';
import { describeCondition } from './rules/state-match.js';
import { runScan, type ScanOptions } from './scan.js';
import type { Report, Severity } from './types.js';
import { TOOL_VERSION } from './version.js';

export const EXIT = { ok: 0, findings: 1, error: 2 } as const;

type FailOn = Severity | 'never';
const FAIL_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** Exit code for a report under a --fail-on threshold (only current findings count). */
export function exitCodeFor(report: Report, failOn: FailOn): number {
  if (failOn === 'never') return EXIT.ok;
  const limit = FAIL_ORDER[failOn];
  return report.findings.some((f) => f.current && FAIL_ORDER[f.severity] <= limit) ? EXIT.findings : EXIT.ok;
}

function useColor(opt: boolean | undefined): boolean {
  if (opt === false) return false;
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false;
  if (process.env.FORCE_COLOR !== undefined && process.env.FORCE_COLOR !== '0') return true;
  return !!process.stdout.isTTY && process.env.TERM !== 'dumb';
}

/** The interactive TUI only on a real terminal, outside CI (as ink's is-in-ci sees it) and not on TERM=dumb. */
export function interactiveTerminal(env: NodeJS.ProcessEnv = process.env, isTTY = !!process.stdout.isTTY): boolean {
  const ci = env.CI !== '0' && env.CI !== 'false' && ('CI' in env || 'CONTINUOUS_INTEGRATION' in env || Object.keys(env).some((k) => k.startsWith('CI_')));
  return isTTY && !ci && env.TERM !== 'dumb';
}

const collect = (v: string, prev: string[] = []) => [...prev, v];
const csv = (v: string, prev: string[] = []) => [...prev, ...v.split(',').map((s) => s.trim()).filter(Boolean)];

function parseNow(v: string): Date {
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) throw new InvalidArgumentError(`not a date: ${v}`);
  return d;
}

async function rulesOrExit(dirs: string[] | undefined, codeDirs?: string[], root?: string): Promise<Rule[]> {
  const { rules, errors } = await loadRules(dirs ?? [], { codeDirs, root });
  for (const e of errors) process.stderr.write(`kubelet-doctor: rule not loaded: ${e}\n`);
  return rules;
}

/** Whether this runs as the single executable (node:sea, Node >= 20.12), not from a package install. */
function isSea(): boolean {
  try {
    const sea = process.getBuiltinModule?.('node:sea') as { isSea?: () => boolean } | undefined;
    return !!sea?.isSea?.();
  } catch {
    return false;
  }
}

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('kubelet-doctor')
    .description('Diagnose a broken Kubernetes node: why the kubelet will not start, register, or become Ready.')
    .version(TOOL_VERSION)
    .showHelpAfterError()
    .exitOverride();

  program
    .command('scan', { isDefault: true })
    .description('read the kubelet journal (stdin, files, or journalctl) and node evidence; report what is wrong and how to fix it')
    .argument('[files...]', 'journal or log files to read, as --journal (- for stdin)')
    .option('-j, --journal <file>', 'journal or log file to read (repeatable; - for stdin)', collect)
    .option('--root <dir>', 'scan a captured node tree instead of this node (etc/, proc/, sys/, var/lib/ under DIR)')
    .option('--bundle <file>', 'scan a bundle from `kubelet-doctor collect` (.tar.gz or unpacked folder); several compare the nodes', collect)
    .option('--since <time>', 'passed to journalctl --since when the doctor runs journalctl itself')
    .option('--boot [id]', 'passed to journalctl --boot')
    .addOption(new Option('-f, --format <format>', 'output format').choices(FORMATS))
    .option('-o, --output <format>', `output format, as kubectl's -o (${FORMATS.join(', ')}); same as --format`)
    .option('--output-file <file>', 'also write the chosen format to FILE (the terminal keeps the human view)')
    .addOption(new Option('--fail-on <level>', 'exit 1 when a current finding is at or above this level').choices(['error', 'warning', 'info', 'never']).default('error'))
    .option('--config <file>', `config file (default: ${CONFIG_NAME} found upward from the working directory)`)
    .option('--rules <dir>', 'extra YAML rule directory (repeatable; code files there are not loaded)', collect)
    .option('--code-rules <dir>', 'extra code rule directory (.js/.mjs, repeatable): its code runs with your privileges', collect)
    .option('--ignore <ids>', 'rule ids to silence, comma separated (repeatable)', csv)
    .option('--kubeconfig <file>', 'kubeconfig to reach the API server (default: KUBECONFIG, else the kubelet\'s own)')
    .option('--context <name>', 'the kubeconfig context to use')
    .option('--node <file>', 'a saved Node object (kubectl get node NAME -o yaml|json)')
    .option('--api', 'contact the API server even with --root')
    .option('--no-api', 'never contact the API server')
    .option('--hostname-override <name>', 'the node name the kubelet uses, when not discoverable')
    .option('--kubelet-version <v>', 'kubelet version, when neither the journal nor the node says it', parseKubeletVersion)
    .option('--now <time>', 'evaluate certificate expiry etc. at this time (fixtures)', parseNow)
    .option('--stats', 'print where time went (read, match, collectors) and lines/s on stderr')
    .option('--no-color', 'no colours (NO_COLOR is honoured too)')
    .option('--follow', 'keep reading as the journal grows (a pipe from journalctl -f, a --journal file, or journalctl -f run here); show findings as they appear')
    .action(async (files: string[], opts, cmd: Command) => {
      const s = scanSettings(cmd, opts, files);
      for (const j of s.journals ?? []) checkJournalPath(j);
      if (opts.root !== undefined) checkRootPath(opts.root);
      const rules = await rulesOrExit(s.rules, opts.codeRules, opts.root);
      const known = rules.map((r) => r.id);
      checkIgnore(opts.ignore ?? [], known, '--ignore');
      checkIgnore(s.fileIgnore, known, s.configPath ?? 'config file');
      opts.output = s.outputFile;
      const scanOpts: ScanOptions = {
        rules,
        journals: s.journals,
        root: opts.root,
        since: opts.since,
        boot: opts.boot,
        ignore: s.ignore,
        now: opts.now,
        kubeconfig: opts.kubeconfig ?? process.env.KUBECONFIG ?? (opts.context ? join(homedir(), '.kube', 'config') : undefined),
        kubeContext: opts.context,
        nodeFile: opts.node,
        useApi: opts.api === undefined ? undefined : !!opts.api,
        hostnameOverride: opts.hostnameOverride,
        kubeletVersion: opts.kubeletVersion,
      };
      opts.failOn = s.failOn;
      opts.format = s.formatGiven ? s.format : undefined;
      const color = useColor(opts.color);
      const format: string = s.format;
      const fileOpts = { color: false, stats: opts.stats, rules, root: opts.root, cwd: process.cwd() };
      const writeOutput = (r: Report) => {
        if (opts.output) writeFileSync(opts.output, RENDERERS[format]!(r, fileOpts));
      };
      // The terminal gets the TUI unless --format asks for something else on stdout (with --output the format goes to the file).
      const tui = interactiveTerminal() && (!opts.format || !!opts.output);
      let report: Report;
      if (opts.bundle?.length) {
        const [{ scanBundles, bundlesView }, { renderView, viewExitCode }] = await Promise.all([import('./bundle/commands.js'), import('./fleet/view.js')]);
        const r = await scanBundles(opts.bundle, scanOpts);
        for (const s of r.scans) for (const x of s.refused) process.stderr.write(`kubelet-doctor: ${s.name}: bundle entry refused: ${x}\n`);
        if (r.scans.length === 1) report = r.scans[0]!.report;
        else {
          // several nodes: one view in the chosen format (fleet/view.ts), the file in it too with --output-file
          const view = bundlesView(r);
          if (opts.output) writeFileSync(opts.output, renderView(view, format, fileOpts));
          process.stdout.write(renderView(view, opts.output ? 'text' : format, { ...fileOpts, color }));
          process.exitCode = viewExitCode(view, opts.failOn);
          return;
        }
        writeOutput(report);
        process.stdout.write(format === 'text' || opts.output ? RENDERERS.text!(report, { color }) : RENDERERS[format]!(report, fileOpts));
      } else if (opts.follow && tui) {
        const [{ followInput }, { runTuiFollow }] = await Promise.all([import('./follow.js'), import('./tui/run.js')]);
        report = await runTuiFollow({ scan: scanOpts, input: followInput(scanOpts), color });
        writeOutput(report);
      } else if (opts.follow) {
        const { runFollow } = await import('./follow.js');
        report = await runFollow({
          scan: scanOpts,
          format: opts.output ? 'text' : format,
          color,
          renderAtEnd: (r) => RENDERERS[format]!(r, { color: format === 'text' && color, stats: opts.stats, rules }),
        });
        writeOutput(report);
      } else if (tui) {
        const { runTuiScan } = await import('./tui/run.js');
        const r = await runTuiScan({ scan: scanOpts, color, onReport: writeOutput });
        if (!r) {
          process.stderr.write('kubelet-doctor: quit before the scan finished\n');
          process.exitCode = EXIT.error;
          return;
        }
        report = r;
      } else {
        report = await runScan(scanOpts);
        writeOutput(report);
        const human = !!opts.output || format === 'text';
        process.stdout.write(human ? RENDERERS.text!(report, { color }) : RENDERERS[format]!(report, fileOpts));
      }
      if (opts.stats && report.stats) {
        const s = report.stats;
        const secs = s.ms.total / 1000;
        process.stderr.write(
          `stats: ${s.lines} lines, ${(s.bytes / 1e6).toFixed(1)} MB in ${secs.toFixed(3)} s (${Math.round(s.lines / Math.max(secs, 1e-6))} lines/s, ${(s.bytes / 1e6 / Math.max(secs, 1e-6)).toFixed(1)} MB/s); ` +
            `journal ${s.ms.journal.toFixed(0)} ms on ${s.threads} thread${s.threads > 1 ? 's' : ''} (${s.threads > 1 ? 'thread time: ' : ''}read ${s.ms.read.toFixed(0)} ms, parse ${s.ms.parse.toFixed(0)} ms, match ${s.ms.match.toFixed(0)} ms), ` +
            `collectors ${s.ms.collect.toFixed(0)} ms, diagnose ${s.ms.diagnose.toFixed(0)} ms\n`,
        );
      }
      process.exitCode = exitCodeFor(report, opts.failOn);
    });

  registerCollect(program);
  registerFleet(program);

  program
    .command('version')
    .description('print the version of kubelet-doctor (and, with -o json, of its runtime)')
    .addOption(new Option('-o, --output <format>', 'text or json').choices(['text', 'json']).default('text'))
    .action((opts) => {
      const v = { kubeletDoctor: TOOL_VERSION, node: process.version, platform: `${process.platform}/${process.arch}`, singleExecutable: isSea() };
      process.stdout.write(opts.output === 'json' ? `${JSON.stringify(v, null, 2)}\n` : `kubelet-doctor ${TOOL_VERSION} (Node.js ${process.version}, ${v.platform}${v.singleExecutable ? ', single executable' : ''})\n`);
    });

  program
    .command('completion')
    .description('print a shell completion script: completion bash|zsh|fish')
    .argument('<shell>', 'bash, zsh or fish')
    .action((shell: string) => {
      if (!['bash', 'zsh', 'fish'].includes(shell)) throw new UsageError(`no completion for shell "${shell}" (bash, zsh or fish)`);
      process.stdout.write(completionScript(program, shell));
    });

  program
    .command('check')
    .description('run fixtures (folders with fixture.yaml) and compare findings with their expectations; exit 1 on any difference')
    .argument('[dirs...]', 'fixture directories to search', ['fixtures'])
    .option('--rules <dir>', 'extra YAML rule directory (repeatable; code files there are not loaded)', collect)
    .option('--code-rules <dir>', 'extra code rule directory (.js/.mjs, repeatable): its code runs with your privileges', collect)
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--no-color', 'no colours')
    .action(async (dirs: string[], opts) => {
      const rules = await rulesOrExit(opts.rules, opts.codeRules);
      const results = await runCheck(dirs, rules);
      if (results.length === 0) {
        process.stderr.write(`kubelet-doctor check: no fixture.yaml found under ${dirs.join(', ')}\n`);
        process.exitCode = EXIT.error;
        return;
      }
      if (opts.format === 'json') {
        process.stdout.write(`${JSON.stringify(results.map(({ report: _r, ...rest }) => rest), null, 2)}\n`);
      } else {
        const c = new Chalk({ level: useColor(opts.color) ? 1 : 0 });
        process.stdout.write(renderCheck(results, (s, k) => (k === 'ok' ? c.green(s) : k === 'bad' ? c.red(s) : c.dim(s))));
      }
      process.exitCode = results.every((r) => r.ok) ? EXIT.ok : EXIT.findings;
    });

  program
    .command('rules')
    .description('list the rules')
    .option('--rules <dir>', 'extra YAML rule directory (repeatable; code files there are not loaded)', collect)
    .option('--code-rules <dir>', 'extra code rule directory (.js/.mjs, repeatable): its code runs with your privileges', collect)
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json', 'markdown']).default('text'))
    .action(async (opts) => {
      const rules = await rulesOrExit(opts.rules, opts.codeRules);
      if (opts.format === 'markdown') {
        const { renderRulesDoc } = await import('./render/rules-doc.js');
        process.stdout.write(renderRulesDoc(rules));
        return;
      }
      if (opts.format === 'json') {
        process.stdout.write(`${JSON.stringify(rules.map(({ check: _c, file: _f, ...meta }) => meta), null, 2)}\n`);
        return;
      }
      process.stdout.write(rulesTable(rules));
    });

  program
    .command('explain')
    .description('print one rule: what it detects, why it matters, how to fix it')
    .argument('<id>', 'rule id')
    .option('--rules <dir>', 'extra YAML rule directory (repeatable; code files there are not loaded)', collect)
    .option('--code-rules <dir>', 'extra code rule directory (.js/.mjs, repeatable): its code runs with your privileges', collect)
    .action(async (id: string, opts) => {
      const rules = await rulesOrExit(opts.rules, opts.codeRules);
      const r = rules.find((x) => x.id === id);
      if (!r) {
        const near = nearest(id, rules.map((x) => x.id));
        process.stderr.write(`kubelet-doctor: no rule "${id}"${near ? ` (did you mean ${near}?)` : ''} (see kubelet-doctor rules)\n`);
        process.exitCode = EXIT.error;
        return;
      }
      const lines = [
        `${r.id} — ${r.title}`,
        `severity: ${r.severity}   category: ${r.category}   evidence: ${r.evidence.join(', ')}${r.kubeletVersions ? `   kubelet: ${r.kubeletVersions}` : ''}`,
        '',
        `Why: ${r.why.trim()}`,
        '',
        `Fix: ${showTemplate(r.remediation.summary)}`,
        ...r.remediation.steps.flatMap((s, i) => [`  ${i + 1}. ${showTemplate(s.text)}`, ...(s.command ? showTemplate(s.command).split('\n').map((c) => `       ${c}`) : [])]),
      ];
      if (r.match?.journal?.length) {
        lines.push('', 'Journal signatures:');
        for (const p of r.match.journal) lines.push(`  /${p.pattern}/${p.versions ? `   (kubelet ${p.versions})` : ''}`);
      }
      if (r.state?.length) {
        lines.push('', `Node state (fires when every condition not marked optional holds${r.match?.journal?.length ? ', or on the journal signatures' : ''}):`);
        for (const c of r.state) lines.push(`  ${describeCondition(c)}`);
      }
      if (r.explains?.length) lines.push('', `Explains: ${r.explains.join(', ')}`);
      lines.push('', 'References:', ...r.references.map((u) => `  ${u}`));
      process.stdout.write(`${lines.join('\n')}\n`);
    });
  addHelp(program);
  return program;
}

/** `rules` as aligned columns: every column as wide as its widest cell (ids, categories grow with the rules). */
export function rulesTable(rules: Pick<Rule, 'id' | 'severity' | 'category' | 'title'>[]): string {
  const rows = rules.map((r) => [r.id, r.severity, r.category, r.title]);
  const widths = [0, 1, 2].map((c) => Math.max(0, ...rows.map((row) => row[c]!.length)));
  return rows.map((row) => `${row.map((cell, c) => (c < 3 ? cell.padEnd(widths[c]!) : cell)).join('  ')}\n`).join('');
}

/**
 * Output that cannot be written: a reader that went away (`| head`) ends the run quietly; anything else
 * (a full disk, /dev/full) is one line and exit 2, never a stack trace, never exit 1 (that means findings).
 */
function guardStdout(): void {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok);
    try {
      process.stderr.write(`kubelet-doctor: cannot write the output: ${e.code === 'ENOSPC' ? 'no space left on device' : e.message}\n`);
    } catch {
      /* stderr gone too */
    }
    process.exit(EXIT.error);
  });
}

export async function main(argv: string[]): Promise<number> {
  guardStdout();
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (e) {
    const err = e as { code?: string; exitCode?: number; message?: string };
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT.ok;
    if (err.code?.startsWith('commander.')) return EXIT.error;
    if (e instanceof UsageError) {
      process.stderr.write(`kubelet-doctor: ${redact(err.message ?? '')}\n`);
      return EXIT.error;
    }
    process.stderr.write(`kubelet-doctor: ${redact(err.message ?? String(e))}\n`);
    return EXIT.error;
  }
}

// Run directly (`node dist/src/cli.js`, `tsx src/cli.ts`); the bin launcher calls main() itself.
const invoked = process.argv[1] && /[\\/]cli\.(js|ts)$/.test(process.argv[1]);
if (invoked) {
  main(process.argv).then((code) => {
    process.exitCode = code;
  });
}
