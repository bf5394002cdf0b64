/// <reference lib="dom" />
/**
 * The explorer page's script, bundled into each explorer.html by esbuild.
 * It compiles the embedded model with the checker's own `compileModel`, so
 * every state, enabled step and "what if" branch comes from the model's
 * successor function, and lays out each step's wait-for graph with the same
 * DOT renderer and wasm Graphviz the command line uses. Everything it needs
 * is in the page: it fetches nothing.
 */
import { analyzeWaitFor } from '../../../explain/cycle.js';
import { processStatuses } from '../../../explain/process-status.js';
import { buildWaitForGraph } from '../../../explain/wait-for.js';
import { compileModel } from '../../../explore/compile.js';
import { formatSourceShort } from '../../../model/source-ref.js';
import type { SourceRef } from '../../../model/types.js';
import { waitForToDot } from '../../dot-wait-for.js';
import { dotToSvg } from '../../svg.js';
import type { ExplorerData } from '../explorer-data.js';
import { decodeFragment, encodeFragment } from '../fragment.js';
import { ExplorerSession } from '../session.js';
import { kernelSourceUrl } from '../source-link.js';
import { stateRows, type StateSection } from '../state-rows.js';

/** Row height of the schedule in CSS pixels: fixed, so only the visible rows need to exist. */
const ROW_HEIGHT = 58;
/** Rows drawn above and below the visible ones, so fast scrolling shows no gap. */
const OVERSCAN = 8;

type Child = Node | string | undefined | false;

function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  for (const c of children) if (c !== undefined && c !== false) el.append(c);
  return el;
}

function byId<T extends HTMLElement>(id: string): T {
  return document.getElementById(id) as T;
}

function sourceLink(ref: SourceRef): HTMLElement {
  const text = formatSourceShort(ref);
  const url = kernelSourceUrl(ref);
  const title = `${ref.file}:${ref.line} at ${ref.commit} (${ref.func})`;
  return url ? h('a', { href: url, target: '_blank', rel: 'noopener noreferrer', title, class: 'src' }, text) : h('span', { class: 'src', title }, text);
}

function start(): void {
  const data = JSON.parse(byId('explorer-data').textContent ?? '') as ExplorerData;
  const cm = compileModel(data.model);
  const session = new ExplorerSession(cm, data.path);
  const procs = cm.layout.processes;

  const slice = new Set(data.slice);
  const svgCache = new Map<string, Promise<string>>();
  let sliceOnly = false;
  /** Path indices (0 = initial state) shown as rows. */
  let visible: number[] = [];

  document.title = `interleave explorer: ${data.title}`;
  byId('title').textContent = data.title;
  byId('headline').textContent = data.headline;
  document.documentElement.style.setProperty('--lanes', String(procs.length));
  // The two panes fill the window below the header, whose height depends on wrapping.
  const fitHeader = () => document.documentElement.style.setProperty('--header', `${byId('top').offsetHeight}px`);
  fitHeader();

  const message = byId('message');
  const say = (text: string) => {
    message.textContent = text;
    message.hidden = text === '';
  };

  // ---- schedule (swimlanes), virtualised ----
  const scroller = byId('lanes-scroll');
  const body = byId('lanes-body');
  byId('lanes-head').append(h('div', { class: 'cell num', role: 'columnheader' }, '#'),
    ...procs.map((p) => h('div', { class: 'cell lane-name', role: 'columnheader', title: p.name }, p.name)));

  function computeVisible(): void {
    const n = session.path.length;
    const all = Array.from({ length: n + 1 }, (_, i) => i);
    visible = sliceOnly && session.onRecorded ? all.filter((i) => i === 0 || slice.has(i)) : all;
    body.style.height = `${visible.length * ROW_HEIGHT}px`;
  }

  function rowElement(i: number, positioned: boolean): HTMLElement {
    const recordedPrefix = session.recordedPrefix;
    const classes = ['row'];
    if (i === session.at) classes.push('current');
    if (i > recordedPrefix) classes.push('branch');
    if (i > 0 && slice.has(i) && i <= recordedPrefix) classes.push('in-slice');
    // A lasso's cycle, on the recorded schedule: marked, with where it starts and goes back to.
    const loopStart = data.loopStart;
    const inLoop = loopStart !== undefined && i > loopStart && i <= recordedPrefix;
    if (inLoop) classes.push('in-loop');
    const loopTag = !inLoop ? undefined
      : i === loopStart + 1 ? h('span', { class: 'tag loop' }, 'cycle: repeats forever from here')
      : i === data.path.length ? h('span', { class: 'tag loop' }, `back to step ${loopStart + 1}`)
      : undefined;
    const row = h('div', { class: classes.join(' '), 'data-step': String(i), role: 'row', ...(i === session.at ? { 'aria-current': 'step' } : {}) });
    if (positioned) row.style.top = `${visible.indexOf(i) * ROW_HEIGHT}px`;
    row.append(h('div', { class: 'cell num', role: 'rowheader' }, i === 0 ? 'start' : String(i)));
    if (i === 0) {
      row.append(h('div', { class: 'cell start-note', role: 'cell' }, 'initial state: every process at its first step'));
    } else {
      const cs = cm.steps[session.path[i - 1]];
      const before = session.stateAt(i - 1);
      const after = session.stateAt(i);
      const waitSlot = procs[cs.pid].waitSlot;
      const outcome = before[waitSlot] < 0 ? 'wakes' : after[waitSlot] > 0 ? 'sleeps' : '';
      const wake = session.wakeNoteAt(i);
      // The step's cell also covers the lane to its right (empty in this row), so its action fits.
      const span = cs.pid + 1 < procs.length ? 2 : 1;
      for (let pid = 0; pid < procs.length; pid++) {
        if (pid === cs.pid) {
          const cell = h('div', { class: 'cell lane step', role: 'cell', title: `${procs[pid].name}: ${cs.step.action}` },
            h('div', { class: 'action' }, h('b', { class: 'who' }, `${procs[pid].name} `), outcome ? h('span', { class: `tag ${outcome}` }, outcome) : undefined, cs.step.action,
              wake ? h('span', { class: 'tag wake-note' }, wake) : undefined),
            h('div', { class: 'where' }, loopTag, sourceLink(cs.step.source), i > recordedPrefix ? h('span', { class: 'tag chosen' }, 'your choice') : undefined));
          cell.style.setProperty('--from', String(pid + 2));
          cell.style.setProperty('--span', String(span));
          row.append(cell);
          pid += span - 1;
        } else {
          row.append(h('div', { class: 'cell lane', role: 'cell' }));
        }
      }
    }
    row.addEventListener('click', (ev) => {
      if ((ev.target as HTMLElement).closest('a')) return;
      show(i);
    });
    return row;
  }

  function drawRows(): void {
    const first = Math.max(0, Math.floor(scroller.scrollTop / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(visible.length, Math.ceil((scroller.scrollTop + scroller.clientHeight) / ROW_HEIGHT) + OVERSCAN);
    body.replaceChildren(...visible.slice(first, last).map((i) => rowElement(i, true)));
  }

  function scrollToCurrent(): void {
    const k = visible.indexOf(session.at);
    if (k < 0) return;
    const top = k * ROW_HEIGHT;
    if (top < scroller.scrollTop) scroller.scrollTop = top;
    else if (top + ROW_HEIGHT > scroller.scrollTop + scroller.clientHeight) scroller.scrollTop = top + ROW_HEIGHT - scroller.clientHeight;
  }

  scroller.addEventListener('scroll', () => drawRows(), { passive: true });
  window.addEventListener('resize', () => { fitHeader(); scrollToCurrent(); drawRows(); fitGraph(); });
  // Printing shows every row in the flow of the page, not the window's slice of them.
  window.addEventListener('beforeprint', () => {
    document.body.classList.add('printing');
    body.replaceChildren(...visible.map((i) => rowElement(i, false)));
  });
  window.addEventListener('afterprint', () => {
    document.body.classList.remove('printing');
    drawRows();
  });

  // ---- state panel ----
  const SECTION_TITLES: Record<StateSection, string> = { processes: 'Processes', variables: 'Variables', primitives: 'Primitives' };
  function drawState(): void {
    const rows = stateRows(cm, session.state, session.at > 0 ? session.stateAt(session.at - 1) : undefined);
    const changed = rows.filter((r) => r.was !== undefined).length;
    const parts: HTMLElement[] = [h('p', { class: 'note' }, session.at === 0 ? 'The initial state.' : `After step ${session.at}; ${changed} ${changed === 1 ? 'entry' : 'entries'} changed (marked ▸ changed, with the value before).`)];
    for (const section of ['processes', 'variables', 'primitives'] as const) {
      const these = rows.filter((r) => r.section === section);
      if (these.length === 0) continue;
      parts.push(h('h3', {}, SECTION_TITLES[section]), h('table', { class: 'state' },
        h('tbody', {}, ...these.map((r) => h('tr', { class: r.was !== undefined ? 'changed' : '' },
          h('th', { scope: 'row' }, r.was !== undefined ? h('span', { class: 'changed-mark' }, '▸ changed ') : undefined, r.name),
          h('td', {}, r.text, r.was !== undefined ? h('div', { class: 'was' }, `before: ${r.was}`) : undefined))))));
    }
    byId('state').replaceChildren(...parts);
  }

  // ---- the step just taken, in full ----
  function drawCurrent(): void {
    const holder = byId('current-step');
    if (session.at === 0) {
      holder.replaceChildren(h('b', {}, 'Start: '), 'the initial state, before any step.');
      return;
    }
    const cs = cm.steps[session.path[session.at - 1]];
    const waitSlot = procs[cs.pid].waitSlot;
    const outcome = session.stateAt(session.at - 1)[waitSlot] < 0 ? ' (wakes up)' : session.state[waitSlot] > 0 ? ' (goes to sleep)' : '';
    const wake = session.wakeNoteAt(session.at);
    holder.replaceChildren(h('b', {}, `Step ${session.at}: ${cm.processName(cs.pid)}`), ` ${cs.step.action}${outcome}${wake ? ` (${wake})` : ''} `, sourceLink(cs.step.source));
  }

  // ---- what if ----
  function drawWhatIf(): void {
    const enabled = session.enabled();
    const next = session.path[session.at];
    const list = h('ol', { class: 'choices' }, ...enabled.map((e) => {
      const cs = cm.steps[e.stepId];
      const isNext = next === e.stepId;
      const button = h('button', { type: 'button', class: `choice${isNext ? ' next' : ''}`, 'data-step-id': String(e.stepId) },
        h('b', {}, cm.processName(cs.pid)), ` ${cs.step.action}`,
        e.sleeps ? h('span', { class: 'tag sleeps' }, 'would sleep') : undefined,
        isNext ? h('span', { class: 'tag' }, session.at < session.recordedPrefix ? 'recorded next' : 'next on this path') : undefined);
      button.addEventListener('click', () => {
        session.choose(e.stepId);
        computeVisible();
        update();
        byId('back').focus();
      });
      return h('li', {}, button, ' ', sourceLink(cs.step.source));
    }));
    const statuses = processStatuses(cm, session.state).filter((p) => p.state === 'blocked');
    const parts: HTMLElement[] = [];
    if (enabled.length === 0) {
      parts.push(h('p', { class: 'verdict' }, cm.allAtValidEnd(session.state)
        ? 'No step is enabled: every process has finished or rests at a valid end.'
        : 'No step is enabled while some process has not finished: a deadlock.'));
    } else {
      parts.push(h('p', { class: 'note' }, `${enabled.length} enabled ${enabled.length === 1 ? 'step' : 'steps'} at this point.${session.recordedLength > 0 ? ' Choose one other than the recorded next step to leave the recorded schedule and go on with the model\'s own steps; Back returns.' : ' Choose one to take it; Back returns.'}`), list);
    }
    const violated = cm.violatedAlways(session.state);
    if (violated >= 0) parts.push(h('p', { class: 'verdict' }, `This state violates "${cm.alwaysProperties[violated]}".`));
    if (statuses.length > 0) {
      parts.push(h('h3', {}, 'Blocked'), h('ul', { class: 'blocked' }, ...statuses.map((p) => h('li', {}, h('b', {}, p.process), ` ${p.wait?.summary ?? p.at}`))));
    }
    byId('whatif').replaceChildren(...parts);
  }

  // ---- wait-for graph ----
  let graphTicket = 0;
  function drawGraph(): void {
    const s = session.state;
    const graph = buildWaitForGraph(cm, s);
    const analysis = analyzeWaitFor(graph);
    byId('graph-summary').textContent = analysis.cycle ? `cycle: ${analysis.cycle.text}` : analysis.summary;
    byId('graph-summary').className = analysis.cycle ? 'cycle-text' : '';
    const key = Array.from(s).join(',');
    let svg = svgCache.get(key);
    if (!svg) {
      const dot = waitForToDot(graph, analysis, { title: `${data.title}: wait-for graph ${session.at === 0 ? 'at the start' : `after step ${session.at}`}` });
      svg = dotToSvg(dot);
      svgCache.set(key, svg);
    }
    const ticket = ++graphTicket;
    const holder = byId('graph');
    holder.setAttribute('aria-busy', 'true');
    svg.then((text) => {
      if (ticket !== graphTicket) return;
      // Graphviz's SVG carries its own size in points; the page scales it to the panel.
      holder.innerHTML = text.replace(/^[\s\S]*?(<svg)/, '$1');
      fitGraph();
      holder.setAttribute('aria-busy', 'false');
      holder.dataset.step = String(session.at);
    }, (e: unknown) => {
      holder.textContent = `could not lay out the graph: ${String(e)}`;
      holder.setAttribute('aria-busy', 'false');
    });
  }

  /**
   * The graph fits the panel; a button (or a click on the graph) shows it
   * at Graphviz's own size instead, scrolling sideways, for wide graphs
   * whose fitted text would be too small to read.
   */
  let graphNatural = false;
  function fitGraph(): void {
    const holder = byId('graph');
    holder.classList.toggle('natural', graphNatural);
    byId('graph-zoom').textContent = graphNatural ? 'fit to panel' : 'actual size';
    byId('graph-zoom').setAttribute('aria-pressed', String(graphNatural));
  }
  const toggleZoom = () => { graphNatural = !graphNatural; fitGraph(); };
  byId('graph-zoom').addEventListener('click', toggleZoom);
  byId('graph').addEventListener('click', toggleZoom);

  // ---- controls ----
  function drawControls(): void {
    const n = session.path.length;
    byId('position').textContent = `step ${session.at} of ${n}`;
    (byId('prev') as HTMLButtonElement).disabled = session.at === 0;
    (byId('home') as HTMLButtonElement).disabled = session.at === 0;
    (byId('next') as HTMLButtonElement).disabled = session.at === n;
    (byId('end') as HTMLButtonElement).disabled = session.at === n;
    (byId('back') as HTMLButtonElement).disabled = !session.canGoBack;
    (byId('recorded') as HTMLButtonElement).disabled = session.onRecorded;
    const sliceBox = byId('slice') as HTMLInputElement;
    sliceBox.disabled = slice.size === 0 || !session.onRecorded;
    byId('slice-label').title = slice.size === 0 ? 'no slice: nothing is stuck at the end of this schedule'
      : session.onRecorded ? 'show only the steps the final state depends on' : 'the slice is of the recorded schedule; return to it first';
    byId('branch-note').textContent = session.onRecorded || session.recordedLength === 0 ? '' : `your branch: leaves the recorded schedule after step ${session.recordedPrefix}`;
  }

  function update(): void {
    drawControls();
    scrollToCurrent();
    drawRows();
    drawCurrent();
    drawState();
    drawWhatIf();
    drawGraph();
    history.replaceState(null, '', encodeFragment(session.point(data.hash), data.path.length));
  }

  function show(i: number): void {
    session.goTo(i);
    update();
  }

  function stepBy(delta: number): void {
    const k = visible.indexOf(session.at);
    const target = k < 0 ? session.at + delta : visible[Math.max(0, Math.min(visible.length - 1, k + delta))];
    show(target);
  }

  byId('home').addEventListener('click', () => show(0));
  byId('prev').addEventListener('click', () => stepBy(-1));
  byId('next').addEventListener('click', () => stepBy(1));
  byId('end').addEventListener('click', () => show(session.path.length));
  byId('back').addEventListener('click', () => { session.back(); computeVisible(); update(); });
  byId('recorded').addEventListener('click', () => { session.returnToRecorded(); computeVisible(); update(); });
  byId('slice').addEventListener('change', (ev) => {
    sliceOnly = (ev.target as HTMLInputElement).checked;
    computeVisible();
    if (!visible.includes(session.at)) session.goTo(visible.reduce((best, i) => (i <= session.at ? i : best), 0));
    update();
  });
  document.addEventListener('keydown', (ev) => {
    const target = ev.target as HTMLElement;
    if (ev.altKey || ev.ctrlKey || ev.metaKey || target.matches('input[type=text], textarea, select')) return;
    const moves: Record<string, () => void> = {
      ArrowLeft: () => stepBy(-1), ArrowRight: () => stepBy(1),
      Home: () => show(visible[0] ?? 0), End: () => show(visible[visible.length - 1] ?? 0),
    };
    const move = moves[ev.key];
    if (!move) return;
    ev.preventDefault();
    move();
  });

  // ---- open the point the link names, if any ----
  computeVisible();
  if (location.hash.length > 1) {
    const point = decodeFragment(location.hash, data.path.length);
    if ('error' in point) say(`This link does not fit: ${point.error}. Showing the recorded schedule from its start.`);
    else if (point.hash !== data.hash) {
      say(`This link was made for another model or other parameters (model hash ${point.hash}; this page is ${data.hash}). Showing the recorded schedule from its start.`);
    } else {
      try {
        session.open(point);
        computeVisible();
      } catch (e) {
        say(`This link does not fit the model: ${e instanceof Error ? e.message : String(e)}. Showing the recorded schedule from its start.`);
      }
    }
  }
  update();
  document.body.dataset.ready = 'true';
}

start();
