// Output formats: each a pure function of the Report.

import type { RuleMeta } from '../rules/model.js';
import type { Report } from '../types.js';
import { renderJson } from './json.js';
import { renderJunit } from './junit.js';
import { renderMarkdown } from './markdown.js';
import { renderSarif } from './sarif.js';
import { renderText } from './text.js';

export interface RenderOptions {
  color: boolean;
  stats?: boolean;
  width?: number;
  /** Metadata of the loaded rules (SARIF rule descriptors, JUnit classnames for rules that passed). */
  rules?: readonly RuleMeta[];
}

export type Renderer = (r: Report, o: RenderOptions) => string;

export const RENDERERS: Record<string, Renderer> = {
  text: (r, o) => renderText(r, { color: o.color, width: o.width }),
  json: (r, o) => renderJson(r, { stats: o.stats }),
  sarif: (r, o) => renderSarif(r, { rules: o.rules }),
  junit: (r, o) => renderJunit(r, { rules: o.rules }),
  markdown: (r) => renderMarkdown(r),
};

export const FORMATS = Object.keys(RENDERERS);
