/**
 * DOT -> SVG in-process, with Graphviz compiled to WebAssembly
 * (@hpcc-js/wasm-graphviz): no system `dot` needed. The library loads its
 * module once and caches it, so repeated calls are cheap.
 */
import { Graphviz } from '@hpcc-js/wasm-graphviz';

/** Lays out `dot` with the `dot` engine and returns the SVG document. */
export async function dotToSvg(dot: string): Promise<string> {
  const graphviz = await Graphviz.load();
  return graphviz.dot(dot, 'svg');
}

/** The Graphviz version doing the layout, for reports. */
export async function graphvizVersion(): Promise<string> {
  return (await Graphviz.load()).version();
}
