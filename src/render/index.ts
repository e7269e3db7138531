// Output formats: each a pure function of the Report.

import type { RuleMeta } from '../rules/model.js';
import type { Report } from '../types.js';
import { renderJson } from './json.js';
import { renderJunit } from './junit.js';
import { renderMarkdown } from './markdown.js';
import { renderSarif } from './sarif.js';
import { renderText } from './text.js';
import { yaml } from '../yaml.js';

export interface RenderOptions {
  color: boolean;
  stats?: boolean;
  width?: number;
  /** Metadata of the loaded rules (SARIF rule descriptors, JUnit classnames for rules that passed). */
  rules?: readonly RuleMeta[];
  /** SARIF's base URIs: the capture root the scan read, and the working directory. */
  root?: string;
  cwd?: string;
}

export type Renderer = (r: Report, o: RenderOptions) => string;

export const RENDERERS: Record<string, Renderer> = {
  text: (r, o) => renderText(r, { color: o.color, width: o.width }),
  json: (r, o) => renderJson(r, { stats: o.stats }),
  // the JSON document as YAML (kubectl's -o yaml): the same fields, documented in docs/json-schema.md
  yaml: (r, o) => yaml().stringify(JSON.parse(renderJson(r, { stats: o.stats })), { lineWidth: 0 }),
  sarif: (r, o) => renderSarif(r, { rules: o.rules, root: o.root, cwd: o.cwd }),
  junit: (r, o) => renderJunit(r, { rules: o.rules }),
  markdown: (r) => renderMarkdown(r),
};

export const FORMATS = Object.keys(RENDERERS);
