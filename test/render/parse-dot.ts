/**
 * Parses DOT with the same WebAssembly Graphviz the renderers use (its
 * `dot_json` output), so tests assert on the graph Graphviz actually reads:
 * node names, attributes, edges and clusters. A DOT syntax error throws.
 */
import { Graphviz } from '@hpcc-js/wasm-graphviz';

export type Attrs = Readonly<Record<string, string>>;

export interface ParsedDot {
  readonly name: string;
  readonly attrs: Attrs;
  /** Node name -> attributes, in the order Graphviz lists them. */
  readonly nodes: ReadonlyMap<string, Attrs>;
  readonly edges: ReadonlyArray<{ readonly tail: string; readonly head: string; readonly attrs: Attrs }>;
  /** Subgraphs named `cluster...`, with the names of their nodes. */
  readonly clusters: ReadonlyArray<{ readonly name: string; readonly attrs: Attrs; readonly nodes: readonly string[] }>;
}

interface JsonObject {
  readonly name: string;
  readonly _gvid: number;
  readonly nodes?: readonly number[];
  readonly [key: string]: unknown;
}

const stringAttrs = (o: Record<string, unknown>): Attrs =>
  Object.fromEntries(Object.entries(o).filter(([k, v]) => typeof v === 'string' && !k.startsWith('_'))) as Attrs;

/**
 * `laidOut` runs the dot layout too (Graphviz's `json` output), so nodes
 * carry `pos` (`x,y` in points, y growing upwards).
 */
export async function parseDot(dot: string, options: { laidOut?: boolean } = {}): Promise<ParsedDot> {
  const graphviz = await Graphviz.load();
  const json = JSON.parse(graphviz.layout(dot, options.laidOut ? 'json' : 'dot_json')) as {
    name: string;
    _subgraph_cnt?: number;
    objects?: JsonObject[];
    edges?: Array<{ tail: number; head: number; [key: string]: unknown }>;
    [key: string]: unknown;
  };
  const objects = json.objects ?? [];
  const subgraphs = json._subgraph_cnt ?? 0;
  const nodes = new Map<string, Attrs>();
  objects.slice(subgraphs).forEach((o) => nodes.set(o.name, stringAttrs(o)));
  const nameOf = (gvid: number) => objects[gvid].name;
  return {
    name: json.name,
    attrs: stringAttrs(json),
    nodes,
    edges: (json.edges ?? []).map((e) => ({ tail: nameOf(e.tail), head: nameOf(e.head), attrs: stringAttrs(e) })),
    clusters: objects.slice(0, subgraphs)
      .filter((o) => o.name.startsWith('cluster'))
      .map((o) => ({ name: o.name, attrs: stringAttrs(o), nodes: (o.nodes ?? []).map(nameOf) })),
  };
}

/** A laid-out node's position. */
export function posOf(attrs: Attrs): { x: number; y: number } {
  const [x, y] = (attrs.pos ?? '').split(',').map(Number);
  return { x, y };
}

/** Whether a Graphviz `class` attribute lists `name`. */
export function hasClass(attrs: Attrs, name: string): boolean {
  return (attrs.class ?? '').split(/\s+/).includes(name);
}
