/**
 * What the DOT diagrams share: HTML-label escaping, word wrapping, and one
 * palette. Colours are chosen to survive a greyscale printer: the cycle is
 * both red and much thicker, fills are light enough for black text, and no
 * meaning rests on hue alone (state is also in the border style and words).
 */

/** Escapes text for a Graphviz HTML-like label. */
export function html(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Breaks `text` into lines of at most `width` characters, at spaces where possible. */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line.length > 0 && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line.length > 0 ? `${line} ${word}` : word;
  }
  if (line.length > 0) lines.push(line);
  return lines;
}

/** Like `wrap`, but breaks only between the parts of `text` split at `sep` (e.g. ` -> `) where it can. */
export function wrapAt(text: string, width: number, sep: string): string[] {
  const lines: string[] = [];
  let line = '';
  for (const part of text.split(sep)) {
    const next = line.length > 0 ? `${line}${sep}${part}` : part;
    if (line.length > 0 && next.length > width) {
      lines.push(`${line}${sep.trimEnd()}`);
      line = part;
    } else line = next;
  }
  if (line.length > 0) lines.push(line);
  return lines.flatMap((l) => (l.length > width ? wrap(l, width) : [l]));
}

/** Wrapped, escaped lines joined for an HTML-like label. */
export function htmlLines(text: string, width: number): string {
  return wrap(text, width).map(html).join('<br/>');
}

/**
 * An edge label as a padded HTML table, so the text keeps clear of its own
 * edge. `background` fills the cell, for labels that other edges cross.
 */
export function paddedLabel(lines: readonly string[], options: { readonly padding?: number; readonly background?: string } = {}): string {
  const bg = options.background ? ` bgcolor="${options.background}"` : '';
  return `<<table border="0" cellborder="0" cellpadding="${options.padding ?? 4}" cellspacing="0"${bg}><tr><td>${lines.map(html).join('<br/>')}</td></tr></table>>`;
}

/**
 * A small grey key under a title, wrapped so a narrow graph does not cut it
 * off. It starts with a thin blank line: Graphviz spaces a line by its own
 * font size, so a 9-point line right under a 12-point one would touch the
 * larger line's descenders.
 */
export function legend(text: string, muted: string): string {
  return `<font point-size="4"> </font><br/>${wrapAt(text, 72, ' · ').map((l) => `<font point-size="9" color="${muted}">${html(l)}</font>`).join('<br/>')}`;
}

/**
 * Graphviz sizes every box from its own estimate of the text width. DejaVu
 * Sans is the widest common sans (about 15% wider than Helvetica, the font a
 * Linux viewer often substitutes), and the wasm Graphviz has its metrics: laid
 * out for it, text fits wherever it is shown; a narrower fallback (Verdana,
 * Helvetica, Arial; see `dotToSvg`) only leaves a little more room.
 */
export const FONT = 'DejaVu Sans';

export const COLORS = {
  /** The cycle, hand-offs that matter: strong red, drawn thick. */
  cycle: '#c0392b',
  ink: '#222222',
  muted: '#6b6b6b',
  blockedFill: '#fbe3e0',
  blockedLine: '#a93226',
  doneFill: '#eeeeee',
  resourceFill: '#e3ecf7',
  resourceLine: '#2c5282',
  jobFill: '#fff3cd',
  jobLine: '#8a6d1d',
  findingFill: '#fdebd0',
  pathFill: '#fbe3e0',
} as const;

/** Line widths: the cycle must stand out in greyscale too. */
export const PEN = { normal: 1.2, cycle: 3.2 } as const;
