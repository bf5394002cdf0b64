/**
 * Every diagram of one counterexample, as strings: the wait-for graph of the
 * final state, the trace as swimlanes and, when the model is small enough,
 * the state graph, each as DOT and SVG. Pure apart from the wasm layout; the
 * CLI decides where they go.
 */
import { exploreStateGraph } from '../explain/state-graph.js';
import type { CheckReport } from '../explain/report.js';
import type { CompiledModel } from '../explore/compile.js';
import { stateGraphToDot } from './dot-state-graph.js';
import { traceToDot } from './dot-trace.js';
import { waitForToDot } from './dot-wait-for.js';
import { dotToSvg } from './svg.js';
import { configTitle, formatCount } from './text.js';

/** States above which the state graph is not drawn (layout time and file size grow fast). */
export const DEFAULT_MAX_NODES = 2000;

/**
 * The default for a liveness lasso: looping models are dense with edges, and
 * Graphviz takes minutes over a thousand of their states.
 */
export const LASSO_MAX_NODES = 300;

export interface DiagramOptions {
  /** Draw the state graph only up to this many states; default `DEFAULT_MAX_NODES`. */
  readonly maxNodes?: number;
}

export type StateGraphOutcome =
  | { readonly drawn: true; readonly states: number; readonly steps: number }
  | { readonly drawn: false; readonly reason: string };

export interface Diagrams {
  readonly waitForDot: string;
  readonly waitForSvg: string;
  readonly traceDot: string;
  readonly traceSvg: string;
  /** The trace restricted to its slice (what the final state depends on). */
  readonly sliceDot: string;
  readonly sliceSvg: string;
  readonly statesDot?: string;
  readonly statesSvg?: string;
  readonly stateGraph: StateGraphOutcome;
}

/**
 * The diagrams of `report`'s counterexample, or undefined when there is none.
 * `cm` is the compiled model that was checked (needed to re-explore the
 * state graph); without it the state graph is skipped with a reason.
 */
export async function renderDiagrams(report: CheckReport, cm: CompiledModel | undefined, options: DiagramOptions = {}): Promise<Diagrams | undefined> {
  const cx = report.counterexample;
  if (!cx) return undefined;
  const r = report.result;
  const title = configTitle(r.model, r.params);
  const waitForDot = waitForToDot(cx.waitFor, cx.analysis, {
    title: `${title}: wait-for graph at the ${cx.kind === 'deadlock' ? 'deadlock' : `violation of "${cx.property}"`}`,
  });
  const traceDot = traceToDot(cx, { title });
  const sliceDot = traceToDot(cx, { title, slice: true });
  const maxNodes = options.maxNodes ?? (r.discovery?.loopStart !== undefined ? LASSO_MAX_NODES : DEFAULT_MAX_NODES);
  let statesDot: string | undefined;
  let stateGraph: StateGraphOutcome;
  if (!cm) {
    stateGraph = { drawn: false, reason: 'state graph not drawn: the compiled model was not available' };
  } else {
    const sg = exploreStateGraph(cm, { maxNodes, path: r.discovery?.path ?? [] });
    if (sg.complete) {
      statesDot = stateGraphToDot(sg, { title, searched: { states: r.stats.states, transitions: r.stats.transitions, complete: r.completion === 'complete' } });
      stateGraph = { drawn: true, states: sg.nodes.length, steps: sg.edges.length };
    } else {
      stateGraph = {
        drawn: false,
        reason: `state graph not drawn: the model has more than ${formatCount(maxNodes)} states ` +
          `(--max-nodes ${maxNodes}); a picture that large is unreadable and slow to lay out. ` +
          'The wait-for graph and the trace are still drawn; raise --max-nodes to force it.',
      };
    }
  }
  return {
    waitForDot,
    waitForSvg: await dotToSvg(waitForDot),
    traceDot,
    traceSvg: await dotToSvg(traceDot),
    sliceDot,
    sliceSvg: await dotToSvg(sliceDot),
    ...(statesDot !== undefined ? { statesDot, statesSvg: await dotToSvg(statesDot) } : {}),
    stateGraph,
  };
}
