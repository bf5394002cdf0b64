/**
 * DOT -> SVG in-process, with Graphviz compiled to WebAssembly
 * (@hpcc-js/wasm-graphviz): no system `dot` needed. The library loads its
 * module once and caches it, so repeated calls are cheap. It is imported on
 * first use: its 800 kB of JavaScript would slow every start of the CLI.
 */
import { FONT } from './dot-style.js';

async function loadGraphviz() {
  const { Graphviz } = await import('@hpcc-js/wasm-graphviz');
  return Graphviz.load();
}

/** Fallbacks no wider than DejaVu Sans, then whatever sans the viewer has. */
const FONT_STACK = `${FONT},Bitstream Vera Sans,Helvetica,Arial,sans-serif`;

/**
 * Lays out `dot` with the `dot` engine and returns the SVG document. Text
 * set in the diagrams' font gets fallbacks no wider than it, for viewers
 * without DejaVu Sans (Graphviz writes the bare family name).
 */
export async function dotToSvg(dot: string): Promise<string> {
  const graphviz = await loadGraphviz();
  return graphviz.dot(dot, 'svg').replaceAll(`font-family="${FONT}"`, `font-family="${FONT_STACK}"`);
}

/** The Graphviz version doing the layout, for reports. */
export async function graphvizVersion(): Promise<string> {
  return (await loadGraphviz()).version();
}
