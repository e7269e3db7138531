// Output formats: each a pure function of the Report.

import type { Report } from '../types.js';
import { renderJson } from './json.js';
import { renderText } from './text.js';

export interface RenderOptions {
  color: boolean;
  stats?: boolean;
  width?: number;
}

export type Renderer = (r: Report, o: RenderOptions) => string;

export const RENDERERS: Record<string, Renderer> = {
  text: (r, o) => renderText(r, { color: o.color, width: o.width }),
  json: (r, o) => renderJson(r, { stats: o.stats }),
};

export const FORMATS = Object.keys(RENDERERS);
