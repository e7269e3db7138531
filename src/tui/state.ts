// Key handling as a pure function: (view state, key, what is on screen) → new view state and an
// effect (quit, copy). The ink app feeds it keys; tests feed it directly.

import { SEVERITY_CYCLE, type SeverityFilter } from './model.js';

export type View = 'list' | 'detail' | 'help' | 'sources';

export interface UiState {
  view: View;
  /** Where Esc from help/sources returns. */
  back: View;
  /** Key of the selected finding (stable while follow mode re-ranks). */
  selKey?: string;
  /** First visible row of the list. */
  top: number;
  /** First visible line of the detail/help/sources text. */
  scroll: number;
  filter: string;
  editing: boolean;
  severity: SeverityFilter;
  /** Finding opened last (its fix goes into the exit summary). */
  openedKey?: string;
  notice?: string;
}

export const initialUi: UiState = { view: 'list', back: 'list', top: 0, scroll: 0, filter: '', editing: false, severity: 'all' };

/** A key press, normalised from ink's (input, key). */
export interface KeyPress {
  input: string;
  up?: boolean;
  down?: boolean;
  left?: boolean;
  right?: boolean;
  enter?: boolean;
  escape?: boolean;
  backspace?: boolean;
  pageUp?: boolean;
  pageDown?: boolean;
  home?: boolean;
  end?: boolean;
  ctrl?: boolean;
  tab?: boolean;
}

/** What the current screen holds, for clamping. */
export interface Screen {
  /** Keys of the visible rows, in order. */
  rows: string[];
  /** Rows that fit in the list area. */
  listHeight: number;
  /** Lines of the text being viewed (detail/help/sources) and how many fit. */
  textLines: number;
  textHeight: number;
}

export type Effect = { quit: true } | { copyFixOf: string } | undefined;

const clamp = (n: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, n));

/** Keep the selection visible in the list window. */
export function listTop(top: number, sel: number, height: number, count: number): number {
  const h = Math.max(1, height);
  let t = top;
  if (sel < t) t = sel;
  if (sel >= t + h) t = sel - h + 1;
  return clamp(t, 0, Math.max(0, count - h));
}

export function selIndex(s: UiState, sc: Screen): number {
  const i = s.selKey ? sc.rows.indexOf(s.selKey) : -1;
  return i >= 0 ? i : 0;
}

function move(s: UiState, sc: Screen, to: number): UiState {
  if (!sc.rows.length) return { ...s, selKey: undefined, top: 0 };
  const i = clamp(to, 0, sc.rows.length - 1);
  return { ...s, selKey: sc.rows[i], top: listTop(s.top, i, sc.listHeight, sc.rows.length) };
}

function scrollText(s: UiState, sc: Screen, to: number): UiState {
  return { ...s, scroll: clamp(to, 0, Math.max(0, sc.textLines - sc.textHeight)) };
}

export function onKey(s0: UiState, k: KeyPress, sc: Screen): { state: UiState; effect?: Effect } {
  const s: UiState = { ...s0, notice: undefined };
  if (k.ctrl && k.input === 'c') return { state: s, effect: { quit: true } };

  // Typing a filter: printable keys go into it; arrows still move.
  if (s.editing) {
    if (k.escape) return { state: move({ ...s, editing: false, filter: '' }, sc, 0) };
    if (k.enter) return { state: { ...s, editing: false } };
    if (k.backspace) return { state: { ...s, filter: s.filter.slice(0, -1), top: 0 } };
    if (k.up) return { state: move(s, sc, selIndex(s, sc) - 1) };
    if (k.down) return { state: move(s, sc, selIndex(s, sc) + 1) };
    if (k.input && !k.ctrl && !k.tab && /^[^\u0000-\u001F\u007F]+$/.test(k.input)) return { state: { ...s, filter: s.filter + k.input, top: 0 } };
    return { state: s };
  }

  if (k.input === 'q') return { state: s, effect: { quit: true } };
  if (k.input === '?') return { state: s.view === 'help' ? { ...s, view: s.back, scroll: 0 } : { ...s, back: s.view === 'sources' ? 'list' : s.view, view: 'help', scroll: 0 } };
  if (k.input === 'i' && s.view !== 'sources') return { state: { ...s, back: s.view === 'help' ? 'list' : s.view, view: 'sources', scroll: 0 } };

  if (s.view === 'help' || s.view === 'sources') {
    if (k.escape || k.left || k.input === 'h' || k.enter || (k.input === 'i' && s.view === 'sources')) return { state: { ...s, view: s.back, scroll: 0 } };
    return { state: textNav(s, k, sc) ?? s };
  }

  if (s.view === 'detail') {
    if (k.escape || k.left || k.input === 'h' || k.backspace) return { state: { ...s, view: 'list', scroll: 0 } };
    if (k.input === 'n' || k.input === 'p' || k.tab) {
      const next = move(s, sc, selIndex(s, sc) + (k.input === 'p' ? -1 : 1));
      return { state: { ...next, scroll: 0, openedKey: next.selKey } };
    }
    if (k.input === 'y' && s.selKey) return { state: s, effect: { copyFixOf: s.selKey } };
    return { state: textNav(s, k, sc) ?? s };
  }

  // list
  const i = selIndex(s, sc);
  if (k.up || k.input === 'k') return { state: move(s, sc, i - 1) };
  if (k.down || k.input === 'j') return { state: move(s, sc, i + 1) };
  if (k.pageUp || (k.ctrl && k.input === 'b') || (k.ctrl && k.input === 'u')) return { state: move(s, sc, i - Math.max(1, sc.listHeight - 1)) };
  if (k.pageDown || k.input === ' ' || (k.ctrl && k.input === 'f') || (k.ctrl && k.input === 'd')) return { state: move(s, sc, i + Math.max(1, sc.listHeight - 1)) };
  if (k.home || k.input === 'g') return { state: move(s, sc, 0) };
  if (k.end || k.input === 'G') return { state: move(s, sc, sc.rows.length - 1) };
  if ((k.enter || k.right || k.input === 'l') && sc.rows.length) {
    const key = sc.rows[i];
    return { state: { ...s, selKey: key, view: 'detail', scroll: 0, openedKey: key } };
  }
  if (k.input === '/') return { state: { ...s, editing: true } };
  if (k.input === 's') {
    const next = SEVERITY_CYCLE[(SEVERITY_CYCLE.indexOf(s.severity) + 1) % SEVERITY_CYCLE.length]!;
    return { state: { ...s, severity: next, top: 0 } };
  }
  if (k.escape && (s.filter || s.severity !== 'all')) return { state: { ...s, filter: '', severity: 'all', top: 0 } };
  if (k.input === 'y' && sc.rows.length) return { state: s, effect: { copyFixOf: sc.rows[i]! } };
  return { state: s };
}

function textNav(s: UiState, k: KeyPress, sc: Screen): UiState | undefined {
  const page = Math.max(1, sc.textHeight - 1);
  if (k.up || k.input === 'k') return scrollText(s, sc, s.scroll - 1);
  if (k.down || k.input === 'j') return scrollText(s, sc, s.scroll + 1);
  if (k.pageUp || (k.ctrl && (k.input === 'b' || k.input === 'u'))) return scrollText(s, sc, s.scroll - page);
  if (k.pageDown || k.input === ' ' || (k.ctrl && (k.input === 'f' || k.input === 'd'))) return scrollText(s, sc, s.scroll + page);
  if (k.home || k.input === 'g') return scrollText(s, sc, 0);
  if (k.end || k.input === 'G') return scrollText(s, sc, sc.textLines);
  return undefined;
}
