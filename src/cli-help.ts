// What the command line says about itself: examples, exit codes and environment variables after each
// command's --help, shell completion scripts (bash, zsh, fish) and the man page, all from the one commander
// program, so they cannot drift from the options it takes.

import type { Command, Option } from 'commander';

export const EXIT_CODES = ['Exit codes:', '  0  nothing at or above --fail-on', '  1  findings at or above --fail-on', '  2  usage error, unreadable input or internal error'].join('\n');

const ENV = {
  scan: ['KUBECONFIG      kubeconfig(s) for the API (colon-separated, merged as kubectl does); default: the kubelet\'s own', 'NO_COLOR        no colours;  FORCE_COLOR=1 colours even when piped', 'CI              no interactive view'],
  fleet: ['KUBECONFIG      kubeconfig(s) (colon-separated, merged as kubectl does); else ~/.kube/config; else in-cluster', 'KUBERNETES_SERVICE_HOST  with a mounted service account token: in-cluster configuration'],
  collect: ['KUBECONFIG      kubeconfig(s) for the API; default: the kubelet\'s own'],
} as Record<string, string[]>;

/** Examples per command, shown by --help and in the man page. */
export const EXAMPLES: Record<string, string[]> = {
  scan: [
    'journalctl -u kubelet -o short-precise | kubelet-doctor scan',
    'kubelet-doctor scan kubelet.log other-boot.log           # journal files as arguments',
    'sudo kubelet-doctor scan                                  # on the node: runs journalctl itself',
    'kubelet-doctor scan --root ./capture -o json --output-file report.json',
    'kubelet-doctor scan --bundle a.tar.gz --bundle b.tar.gz -o markdown   # compare nodes',
    'kubelet-doctor scan kubelet.log -o sarif > kubelet-doctor.sarif',
    'kubectl doctor scan --context prod kubelet.log           # as a kubectl plugin',
  ],
  collect: ['sudo kubelet-doctor collect --output node.tar.gz --since "2 hours ago"', 'kubelet-doctor collect --root ./capture --output capture.tar.gz --no-api'],
  fleet: [
    'kubelet-doctor fleet                                     # every node',
    'kubelet-doctor fleet --not-ready -o json',
    'kubelet-doctor fleet --selector node-role.kubernetes.io/worker= --context prod --image registry.example/kubelet-doctor:0.1.0',
  ],
  check: ['kubelet-doctor check fixtures', 'kubelet-doctor check fixtures/nodes/swap-on --format json'],
  rules: ['kubelet-doctor rules', 'kubelet-doctor rules --format markdown > docs/rules.md'],
  explain: ['kubelet-doctor explain swap-enabled'],
  completion: ['source <(kubelet-doctor completion bash)', 'kubelet-doctor completion zsh > "${fpath[1]}/_kubelet-doctor"', 'kubelet-doctor completion fish > ~/.config/fish/completions/kubelet-doctor.fish'],
  version: ['kubelet-doctor version', 'kubelet-doctor version -o json'],
};

/** The text after a command's --help: examples, exit codes, environment. */
export function helpAfter(name: string): string {
  const parts: string[] = [];
  if (EXAMPLES[name]?.length) parts.push(['Examples:', ...EXAMPLES[name]!.map((e) => `  $ ${e}`)].join('\n'));
  parts.push(EXIT_CODES);
  if (ENV[name]) parts.push(['Environment:', ...ENV[name]!.map((e) => `  ${e}`)].join('\n'));
  return `\n${parts.join('\n\n')}\n`;
}

/** Add examples, exit codes and environment to every subcommand's --help. */
export function addHelp(program: Command): void {
  for (const c of program.commands) c.addHelpText('after', helpAfter(c.name()));
  program.addHelpText('after', `\n${['Examples:', ...EXAMPLES.scan!.slice(0, 3).map((e) => `  $ ${e}`)].join('\n')}\n\n${EXIT_CODES}\n\nConfig file: .kubelet-doctor.yaml (found upward from the working directory, or --config FILE); flags given on the command line win.\n`);
}

const flags = (o: Option): string[] => [o.long, o.short].filter((x): x is string => !!x);
const optionChoices = (o: Option): string[] => (o as Option & { argChoices?: string[] }).argChoices ?? [];

/** A completion script for bash, zsh or fish. */
export function completionScript(program: Command, shell: string): string {
  const name = program.name();
  const cmds = program.commands.filter((c) => !(c as Command & { _hidden?: boolean })._hidden);
  const fn = `_${name.replace(/[^a-zA-Z0-9]/g, '_')}`;
  if (shell === 'bash') {
    const cases = cmds.map((c) => {
      const choice = c.options.filter((o) => optionChoices(o).length).map((o) => `      ${flags(o).join('|')}) COMPREPLY=($(compgen -W "${optionChoices(o).join(' ')}" -- "$cur")); return ;;`);
      return `    ${c.name()})\n      case "$prev" in\n${choice.join('\n')}${choice.length ? '\n' : ''}      esac\n      COMPREPLY=($(compgen -W "${c.options.flatMap(flags).join(' ')} --help" -- "$cur"))\n      [[ "$cur" != -* ]] && COMPREPLY+=($(compgen -f -- "$cur"))\n      return ;;`;
    });
    return `# bash completion for ${name}: source <(${name} completion bash)
${fn}() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}" sub="" w
  for w in "\${COMP_WORDS[@]:1:COMP_CWORD-1}"; do case "$w" in -*) ;; *) sub="$w"; break ;; esac; done
  if [[ -z "$sub" ]]; then COMPREPLY=($(compgen -W "${cmds.map((c) => c.name()).join(' ')} --help --version" -- "$cur")); return; fi
  case "$sub" in
${cases.join('\n')}
  esac
}
complete -o default -F ${fn} ${name}
complete -o default -F ${fn} kubectl-doctor
`;
  }
  const esc = (s: string) => s.replace(/'/g, "'\\''");
  if (shell === 'zsh') {
    const subs = cmds.map((c) => `    '${c.name()}:${esc(c.description().split(/[;:]/)[0]!.replace(/:/g, ' '))}'`);
    const per = cmds.map((c) => {
      const specs = c.options.map((o) => {
        const ch = optionChoices(o);
        const arg = o.required || o.optional ? `:${o.attributeName()}:${ch.length ? `(${ch.join(' ')})` : '_files'}` : '';
        const desc = esc(o.description.replace(/[[\]:]/g, ' '));
        return flags(o).length > 1 ? `      '(${flags(o).join(' ')})'{${flags(o).join(',')}}'[${desc}]${arg}'` : `      '${flags(o)[0]}[${desc}]${arg}'`;
      });
      return `    ${c.name()})\n      _arguments \\\n${[...specs, "      '*:file:_files'"].join(' \\\n')} ;;`;
    });
    return `#compdef ${name} kubectl-doctor
# zsh completion for ${name}: ${name} completion zsh > "\${fpath[1]}/_${name}"
${fn}() {
  local -a subcommands
  subcommands=(
${subs.join('\n')}
  )
  if (( CURRENT == 2 )); then _describe 'command' subcommands; return; fi
  case "\${words[2]}" in
${per.join('\n')}
  esac
}
compdef ${fn} ${name} kubectl-doctor
`;
  }
  if (shell === 'fish') {
    const lines = [`# fish completion for ${name}: ${name} completion fish > ~/.config/fish/completions/${name}.fish`, `complete -c ${name} -f`];
    for (const c of cmds) lines.push(`complete -c ${name} -n '__fish_use_subcommand' -a ${c.name()} -d '${esc(c.description().slice(0, 80))}'`);
    for (const c of cmds)
      for (const o of c.options) {
        const long = o.long ? ` -l ${o.long.replace(/^--/, '')}` : '';
        const short = o.short ? ` -s ${o.short.replace(/^-/, '')}` : '';
        const ch = optionChoices(o);
        const arg = o.required || o.optional ? (ch.length ? ` -x -a '${ch.join(' ')}'` : ' -r -F') : '';
        lines.push(`complete -c ${name} -n '__fish_seen_subcommand_from ${c.name()}'${long}${short}${arg} -d '${esc(o.description.slice(0, 80))}'`);
      }
    return `${lines.join('\n')}\n`;
  }
  throw new Error(`no completion for shell "${shell}" (bash, zsh or fish)`);
}

const roff = (s: string) => s.replace(/\\/g, '\\e').replace(/^([.'])/gm, '\\&$1').replace(/-/g, '\\-');

/** The man page (section 1), from the program's own help. */
export function manPage(program: Command, o: { version: string; date: string }): string {
  const out = [
    `.TH KUBELET-DOCTOR 1 "${o.date}" "kubelet-doctor ${o.version}" "User Commands"`,
    '.SH NAME',
    `kubelet\\-doctor \\- ${roff(program.description())}`,
    '.SH SYNOPSIS',
    '.B kubelet\\-doctor',
    '[\\fICOMMAND\\fR] [\\fIOPTIONS\\fR] [\\fIFILE\\fR...]',
    '.br',
    '.B kubectl doctor',
    '[\\fICOMMAND\\fR] [\\fIOPTIONS\\fR]',
    '.SH DESCRIPTION',
    roff('Reads the kubelet journal, /proc and /sys, kubeconfig certificates, the KubeletConfiguration and systemd unit, and the Node object; names what is wrong, cites the evidence and gives a fix. scan is the default command.'),
    '.SH COMMANDS',
  ];
  for (const c of program.commands) {
    out.push('.SS', `\\fB${roff(c.name())}\\fR ${roff(c.usage())}`, roff(c.description()));
    for (const opt of c.options) out.push('.TP', `\\fB${roff(opt.flags)}\\fR`, roff(opt.description + (opt.defaultValue !== undefined && typeof opt.defaultValue !== 'boolean' ? ` (default: ${String(opt.defaultValue)})` : '')));
    if (EXAMPLES[c.name()]?.length) {
      out.push('.PP', 'Examples:', '.nf', '.RS');
      for (const e of EXAMPLES[c.name()]!) out.push(roff(`$ ${e}`));
      out.push('.RE', '.fi');
    }
  }
  out.push('.SH EXIT STATUS', '.TP', '0', 'nothing at or above \\-\\-fail\\-on', '.TP', '1', 'findings at or above \\-\\-fail\\-on', '.TP', '2', 'usage error, unreadable input or internal error');
  out.push('.SH ENVIRONMENT');
  for (const e of [...new Set(Object.values(ENV).flat())]) {
    const [k, ...rest] = e.split(/\s{2,}/);
    out.push('.TP', `.B ${roff(k!)}`, roff(rest.join(' ')));
  }
  out.push('.SH FILES', '.TP', '.I .kubelet\\-doctor.yaml', roff('Found upward from the working directory (or --config FILE): ignore, fail-on, rules, format. Flags given on the command line win over it.'));
  out.push('.SH SEE ALSO', 'kubectl(1), journalctl(1), kubelet(8)');
  return `${out.join('\n')}\n`;
}
