// The ink app: progress while evidence is read, then the header and ranked findings; a finding
// opens into what was seen, the node evidence, why and the fix. Lines are prepared in model.ts;
// here they are laid out to the terminal's size and keys are routed through state.ts.

import { Box, Text, useApp, useInput, useStdout } from 'ink';
import { useEffect, useMemo, useReducer, useRef, useState, useSyncExternalStore, type ReactNode } from 'react';
import type { Finding } from '../types.js';
import { type Line, plural, seg, truncLine, wrapLine } from './lines.js';
import { detailLines, fixCommands, headerLines, helpLines, rowLine, severityLabel, sourcesLines, visibleRows } from './model.js';
import { initialUi, listTop, onKey, selIndex, type KeyPress, type Screen, type UiState } from './state.js';
import { progressLines, type Store } from './store.js';

export interface AppProps {
  store: Store;
  /** Colours on (off for NO_COLOR / --no-color; bold, underline and inverse stay). */
  color: boolean;
  /** Keys are read (a keyboard was found); otherwise the app only shows. */
  interactive: boolean;
  /** Fixed size (tests); otherwise the terminal's, following resizes. */
  columns?: number;
  rows?: number;
  /** Called once when the person quits, with the finding they opened last (if any). */
  onQuit?: (opened: Finding | undefined) => void;
  /** Put text on the clipboard (default: OSC 52 to the terminal). */
  onCopy?: (text: string) => void;
}

function Styled({ line, color }: { line: Line; color: boolean }): ReactNode {
  if (line.length === 0) return <Text> </Text>;
  return (
    <Text wrap="truncate-end">
      {line.map((s, i) => (
        <Text
          key={i}
          color={color ? s.style?.color : undefined}
          bold={s.style?.bold}
          dimColor={s.style?.dim}
          underline={s.style?.underline}
          inverse={s.style?.inverse}
        >
          {s.text}
        </Text>
      ))}
    </Text>
  );
}

function Lines({ lines, color, height }: { lines: Line[]; color: boolean; height?: number }): ReactNode {
  const shown = height === undefined ? lines : lines.slice(0, height);
  return (
    <Box flexDirection="column" height={height} overflow="hidden">
      {shown.map((l, i) => (
        <Styled key={i} line={l} color={color} />
      ))}
    </Box>
  );
}

function useSize(columns?: number, rows?: number): { width: number; height: number } {
  const { stdout } = useStdout();
  const [, bump] = useReducer((n: number) => n + 1, 0);
  useEffect(() => {
    if (columns && rows) return;
    stdout.on('resize', bump);
    return () => {
      stdout.off('resize', bump);
    };
  }, [stdout, columns, rows]);
  // never wider than the terminal: a frame wider than it is wrapped by the terminal, mid-word
  const width = Math.max(10, columns ?? stdout.columns ?? 80);
  // One line short of the screen: a frame as tall as the terminal would make ink clear the whole screen each time.
  const height = Math.max(6, (rows ?? stdout.rows ?? 24) - 1);
  return { width, height };
}

/** As many whole items as fit in `width`, in order (the first ones matter most), joined by `sep`. */
export function fitItems(items: string[], width: number, sep: string): string {
  let out = '';
  for (const it of items) {
    const next = out ? `${out}${sep}${it}` : it;
    if ([...next].length > width) break;
    out = next;
  }
  return out;
}

function toKeyPress(input: string, key: import('ink').Key): KeyPress {
  return {
    input,
    up: key.upArrow,
    down: key.downArrow,
    left: key.leftArrow,
    right: key.rightArrow,
    enter: key.return,
    escape: key.escape,
    backspace: key.backspace || key.delete,
    pageUp: key.pageUp,
    pageDown: key.pageDown,
    home: key.home,
    end: key.end,
    ctrl: key.ctrl,
    tab: key.tab,
  };
}

const osc52 = (write: (s: string) => void) => (text: string) => write(`\u001B]52;c;${Buffer.from(text).toString('base64')}\u0007`);

export function App(props: AppProps): ReactNode {
  const { store, color, interactive } = props;
  const live = useSyncExternalStore(store.subscribe, store.get);
  const { exit } = useApp();
  const { stdout } = useStdout();
  const { width, height } = useSize(props.columns, props.rows);
  const [ui, setUi] = useState<UiState>(initialUi);
  // Several keys can arrive in one read (pasted text, tmux send-keys): each must see the state the previous one left.
  const uiRef = useRef(ui);
  const [, tick] = useReducer((n: number) => n + 1, 0);
  const quitting = useRef(false);
  const report = live.report;

  // Keep the screen moving: a spinner while reading, fading NEW/+n marks while following.
  useEffect(() => {
    if (report && !live.follow) return;
    const t = setInterval(tick, report ? 1000 : 100);
    return () => clearInterval(t);
  }, [report, live.follow]);

  const rows = useMemo(() => (report ? visibleRows(report, ui.filter, ui.severity) : []), [report, ui.filter, ui.severity]);
  const keys = rows.map((r) => r.key);
  const fullHeader = useMemo(() => (report ? headerLines(report, width, live.follow) : []), [report, width, live.follow]);

  // Layout of the list screen: header, rule, rows, rule, preview, footer. Short terminals lose the preview, then header lines.
  const previewHeight = height >= 18 ? 2 : height >= 14 ? 1 : 0;
  const header = fullHeader.slice(0, Math.max(2, height - 6 - previewHeight));
  const listHeight = Math.max(1, height - header.length - 3 - previewHeight);
  const sel = selIndex(ui, { rows: keys, listHeight, textLines: 0, textHeight: 0 });
  const selected = rows[sel];

  const text: Line[] = useMemo(() => {
    if (!report) return [];
    if (ui.view === 'detail' && selected) return detailLines(selected.finding, report, width);
    if (ui.view === 'help') return helpLines(width);
    if (ui.view === 'sources') return sourcesLines(report, width);
    return [];
  }, [report, ui.view, selected, width]);
  const textHeight = height - 2;
  const screen: Screen = { rows: keys, listHeight, textLines: text.length, textHeight };
  // The key handler may be the one bound before the last render: it reads the screen from here.
  const screenRef = useRef(screen);
  screenRef.current = screen;

  const quit = () => {
    if (quitting.current) return;
    quitting.current = true;
    const key = uiRef.current.openedKey;
    const opened = report && key ? visibleRows(report, '', 'all').find((r) => r.key === key)?.finding : undefined;
    props.onQuit?.(opened);
    exit();
  };

  useInput(
    (input, key) => {
      if (!report) {
        if (input === 'q' || (key.ctrl && input === 'c')) quit();
        return;
      }
      // several Backspaces in one read (key repeat, a fast typist) come as one input of DEL characters: one each
      if (/^[\u007F\b]{2,}$/.test(input)) {
        let s = uiRef.current;
        for (let i = 0; i < input.length; i++) s = onKey(s, { input: '', backspace: true }, screenRef.current).state;
        uiRef.current = s;
        setUi(s);
        return;
      }
      const { state, effect } = onKey(uiRef.current, toKeyPress(input, key), screenRef.current);
      if (effect && 'quit' in effect) return quit();
      if (effect && 'copyFixOf' in effect) {
        const f = rows.find((r) => r.key === effect.copyFixOf)?.finding;
        const cmds = f ? fixCommands(f) : '';
        if (cmds) {
          (props.onCopy ?? osc52((s) => stdout.write(s)))(cmds);
          state.notice = `copied the fix commands of ${f!.ruleId} (OSC 52; your terminal must allow it)`;
        } else state.notice = 'this finding has no commands to copy';
      }
      uiRef.current = state;
      setUi(state);
    },
    { isActive: interactive },
  );

  const rule: Line = [seg('─'.repeat(width), { dim: true })];

  if (!report) return <Lines lines={progressLines(live, width)} color={color} height={height} />;

  if (ui.view !== 'list') {
    const scroll = Math.min(ui.scroll, Math.max(0, text.length - textHeight));
    const top: Line =
      ui.view === 'detail'
        ? [seg('‹ Esc back', { dim: true }), seg(`   finding ${sel + 1} of ${rows.length}`, { dim: true }), ...(selected?.finding.explainedBy ? [seg('   (folded under its cause)', { dim: true })] : [])]
        : [seg('‹ Esc back', { dim: true })];
    const more = text.length > textHeight ? [`lines ${scroll + 1}–${Math.min(text.length, scroll + textHeight)} of ${text.length}`, '↑↓ scroll'] : [];
    const keysHint = fitItems([...more, ...(ui.view === 'detail' ? ['n/p next/prev', 'y copy fix'] : []), '? help', 'q quit'], width, ' · ');
    const footer: Line = ui.notice ? [seg(ui.notice, { color: 'green' })] : [seg(keysHint, { dim: true })];
    return (
      <Box flexDirection="column" width={width} height={height}>
        <Styled line={truncLine(top, width)} color={color} />
        <Lines lines={text.slice(scroll, scroll + textHeight)} color={color} height={textHeight} />
        <Styled line={truncLine(footer, width)} color={color} />
      </Box>
    );
  }

  const top = listTop(ui.top, sel, listHeight, rows.length);
  const now = Date.now();
  const listLines: Line[] = rows.slice(top, top + listHeight).map((r, i) => rowLine(r, width, top + i === sel, live.changes.get(r.key), now));
  if (!report.findings.length) listLines.push([seg('  No findings: no known failure signature in the evidence read.', { color: 'green' })], [seg('  Press i to see the sources read and the rules skipped.', { dim: true })]);
  else if (!rows.length) listLines.push([seg('  Nothing matches the filter. Esc clears it.', { dim: true })]);
  if (rows.length > listHeight && listLines.length) {
    const pos = `${top + 1}–${Math.min(rows.length, top + listHeight)}/${rows.length}`;
    const last = listLines.length - 1;
    if (top + listHeight < rows.length) listLines[last] = truncLine([...truncLine(listLines[last]!, width - pos.length - 3), seg(` ↓ ${pos}`, { dim: true })], width);
  }
  const preview: Line[] = selected && previewHeight ? wrapLine([seg(selected.finding.message, { dim: true })], width, 0).slice(0, previewHeight) : [];
  const filterBits = [ui.filter || ui.editing ? `/${ui.filter}` : '', severityLabel(ui.severity)].filter(Boolean).join('  ');
  const count = report.findings.length ? `${rows.length === report.findings.length ? plural(rows.length, 'finding') : `${rows.length} of ${report.findings.length}`}` : '';
  let footer: Line;
  if (ui.editing) footer = [seg('filter: ', { bold: true }), seg(`/${ui.filter}`), seg('▏', { inverse: false }), seg('   Enter keep · Esc clear', { dim: true })];
  else if (ui.notice) footer = [seg(ui.notice, { color: 'green' })];
  else {
    const lead = (filterBits ? filterBits.length + 2 : 0) + (count ? count.length + 3 : 0);
    // whole key hints only, as many as fit: a tiny terminal loses the last ones, never half a word
    const hint = interactive ? fitItems(['↑↓ ⏎ open', '/ filter', 's severity', 'i sources', '? help', 'q quit'], width - lead, '  ') : '(no keyboard: display only)';
    footer = [...(filterBits ? [seg(filterBits, { color: 'magenta', bold: true }), seg('  ')] : []), seg(count ? `${count} · ` : '', { dim: true }), seg(hint, { dim: true })];
  }
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Lines lines={header} color={color} />
      <Styled line={rule} color={color} />
      <Lines lines={listLines} color={color} height={listHeight} />
      <Styled line={rule} color={color} />
      {previewHeight ? <Lines lines={preview} color={color} height={previewHeight} /> : null}
      <Styled line={truncLine(footer, width)} color={color} />
    </Box>
  );
}
