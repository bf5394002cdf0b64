/**
 * The explorer as one self-contained HTML document: markup, styles, the
 * embedded data and the bundled script, nothing loaded from anywhere, so it
 * opens from file:// on a reviewer's machine or out of a CI artifact.
 */
import type { ExplorerData } from './explorer-data.js';

/** JSON inside a <script> element: `<` escaped so no string in it can close the element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

// Greyscale-safe: states differ by weight, border style and words, not by hue alone.
const STYLES = `
:root { --ink: #1a1a1a; --muted: #5c5c5c; --line: #c8c8c8; --paper: #fff; --current: #fff1b8; --current-line: #1a1a1a;
  --changed: #ffe0cc; --branch: #eef3ff; --accent: #0b4fa8; --bad: #a40000; --lanes: 3; --row: 58px; }
* { box-sizing: border-box; }
html, body { margin: 0; color: var(--ink); background: var(--paper); font: 14px/1.35 "DejaVu Sans", system-ui, sans-serif; }
header { padding: 8px 12px; border-bottom: 1px solid var(--line); }
h1 { font-size: 16px; margin: 0 0 2px; overflow-wrap: anywhere; }
h2 { font-size: 14px; margin: 0 0 6px; text-transform: uppercase; letter-spacing: .04em; }
h3 { font-size: 13px; margin: 10px 0 4px; }
#headline { margin: 0; font-weight: bold; }
#message { margin: 6px 0 0; padding: 6px 8px; border: 2px solid var(--bad); font-weight: bold; }
.controls { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; margin-top: 6px; }
button { font: inherit; padding: 3px 9px; border: 1px solid var(--muted); background: #f4f4f4; color: var(--ink); border-radius: 3px; cursor: pointer; }
button:disabled { color: #999; border-color: #ccc; cursor: default; }
:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
#position { font-weight: bold; min-width: 9em; }
#branch-note { color: var(--muted); font-style: italic; }
.keys { color: var(--muted); font-size: 12px; }
main { display: grid; grid-template-columns: minmax(0, 1.25fr) minmax(0, 1fr); gap: 0; height: calc(100vh - var(--header, 96px)); }
#schedule { display: flex; flex-direction: column; min-height: 0; border-right: 1px solid var(--line); }
#lanes-scroll { flex: 1; overflow: auto; position: relative; min-height: 0; }
.grid-row { display: grid; grid-template-columns: 4.2em repeat(var(--lanes), minmax(9.5em, 1fr)); min-width: calc(4.2em + var(--lanes) * 9.5em); }
#lanes-head { position: sticky; top: 0; z-index: 2; background: #f0f0f0; border-bottom: 2px solid var(--ink); font-weight: bold; }
#lanes-head .cell { padding: 4px 6px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
#lanes-body { position: relative; min-width: calc(4.2em + var(--lanes) * 9.5em); }
.row { position: absolute; left: 0; right: 0; height: var(--row); display: grid; grid-template-columns: 4.2em repeat(var(--lanes), minmax(9.5em, 1fr)); border-bottom: 1px solid #e4e4e4; cursor: pointer; }
.row .cell { padding: 3px 6px; overflow: hidden; }
.row .num { color: var(--muted); text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.row .lane { border-left: 1px dotted var(--line); }
.row .start-note { grid-column: 2 / -1; color: var(--muted); font-style: italic; }
.row .step { grid-column: var(--from) / span var(--span); border-left: 3px solid var(--ink); background: rgba(255,255,255,.6); }
.row .action { display: -webkit-box; -webkit-line-clamp: 2; -webkit-box-orient: vertical; overflow: hidden; font-size: 13px; line-height: 1.3; }
.row .where { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.row .who { display: none; }
.row .where { font-size: 12px; }
.row.current { background: var(--current); outline: 2px solid var(--current-line); outline-offset: -2px; z-index: 1; }
.row.current .num { color: var(--ink); font-weight: bold; }
.row.current .num::before { content: "▶ "; }
.row.branch { background: var(--branch); }
.row.branch.current { background: var(--current); }
.row.in-slice .num { font-weight: bold; }
.row.in-loop .num { border-left: 5px solid var(--bad); }
.tag.loop { border-color: var(--bad); color: var(--bad); }
.row .step { font-weight: 500; }
.tag { display: inline-block; font-size: 11px; padding: 0 4px; margin: 0 4px 0 0; border: 1px solid var(--ink); border-radius: 3px; font-weight: bold; vertical-align: 1px; }
.tag.sleeps { background: var(--ink); color: #fff; }
.tag.wakes { border-style: dashed; }
.tag.wake-note { border-color: var(--bad); color: var(--bad); margin-left: 6px; }
.tag.chosen { border-style: double; border-width: 3px; margin-left: 6px; }
a.src { color: var(--accent); }
#side { overflow: auto; min-height: 0; padding: 8px 12px; }
#side section { margin-bottom: 14px; }
.note { color: var(--muted); margin: 0 0 6px; }
.verdict { font-weight: bold; border-left: 5px solid var(--bad); padding-left: 6px; }
ol.choices { margin: 0; padding-left: 1.6em; }
ol.choices li { margin: 3px 0; }
button.choice { text-align: left; }
button.choice .tag { margin-left: 6px; }
button.choice.next { border-width: 2px; border-color: var(--ink); }
ul.blocked { margin: 0; padding-left: 1.2em; }
table.state { border-collapse: collapse; width: 100%; }
table.state th, table.state td { text-align: left; vertical-align: top; padding: 2px 6px; border-bottom: 1px solid #eee; overflow-wrap: anywhere; }
table.state th { font-weight: normal; white-space: nowrap; width: 1%; }
table.state tr.changed { background: var(--changed); }
table.state tr.changed th, table.state tr.changed td { font-weight: bold; border-left: 0; }
table.state tr.changed th { border-left: 5px solid var(--ink); }
.changed-mark { font-size: 11px; }
.was { font-weight: normal; color: var(--muted); font-size: 12px; }
#graph-summary { margin: 0 0 6px; }
#current-step { margin: 0 0 12px; padding: 6px 8px; background: var(--current); border: 2px solid var(--current-line); }
#graph-summary.cycle-text { font-weight: bold; color: var(--bad); }
#graph { overflow-x: auto; cursor: zoom-in; }
#graph svg { max-width: 100%; height: auto; }
#graph.natural { cursor: zoom-out; }
#graph.natural svg { max-width: none; }
#graph-zoom { float: right; font-size: 12px; }
#graph[aria-busy=true] { opacity: .6; }
@media (max-width: 700px) {
  .grid-row, .row, #lanes-body { grid-template-columns: 3.4em minmax(0, 1fr); min-width: 0; }
  #lanes-head { display: none; }
  .row .lane:not(.step) { display: none; }
  .row .step { grid-column: 2 / -1; }
  .row .who { display: inline; }
}
@media (max-width: 900px) {
  main { display: block; height: auto; }
  #schedule { height: auto; max-height: 60vh; border-right: 0; border-bottom: 1px solid var(--line); }
  #lanes-scroll { flex: 0 1 auto; }
  #side { overflow: visible; }
}
@media print {
  #graph svg { max-width: 100% !important; }
  #graph-zoom { display: none; }
  .controls, .choices, #whatif .note { display: none; }
  main { display: block; height: auto; }
  #schedule, #lanes-scroll { height: auto; overflow: visible; }
  #lanes-body { height: auto !important; }
  .row { position: static; break-inside: avoid; }
  #side { overflow: visible; }
}
body.printing .row { position: static; }
body.printing #lanes-body { height: auto !important; }
`;

/** The page for `data`, with `script` (the bundled client) inlined. */
export function explorerHtml(data: ExplorerData, script: string): string {
  const title = escapeHtml(`interleave explorer: ${data.title}`);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="interleave">
<title>${title}</title>
<style>${STYLES}</style>
</head>
<body>
<header id="top">
  <h1 id="title">${escapeHtml(data.title)}</h1>
  <p id="headline">${escapeHtml(data.headline)}</p>
  <p id="message" role="alert" hidden></p>
  <div class="controls" role="toolbar" aria-label="Step through the schedule">
    <button type="button" id="home" title="first step (Home)">« start</button>
    <button type="button" id="prev" title="previous step (←)">◀ prev</button>
    <span id="position" aria-live="polite"></span>
    <button type="button" id="next" title="next step (→)">next ▶</button>
    <button type="button" id="end" title="last step (End)">end »</button>
    <label id="slice-label"><input type="checkbox" id="slice"> slice only</label>
    <button type="button" id="back" title="return to where the last choice left the path">↩ back</button>
    <button type="button" id="recorded" title="return to the recorded schedule">recorded schedule</button>
    <span id="branch-note"></span>
    <span class="keys">keys: ← → Home End</span>
  </div>
  <noscript><p>The explorer needs JavaScript; the same schedule is in report.txt and trace.svg beside this file.</p></noscript>
</header>
<main>
  <section id="schedule" aria-label="Schedule: one lane per process, one row per step">
    <div id="lanes-scroll" tabindex="0" role="table" aria-label="schedule">
      <div id="lanes-head" class="grid-row" role="row"></div>
      <div id="lanes-body" role="rowgroup"></div>
    </div>
  </section>
  <div id="side">
    <p id="current-step"></p>
    <section aria-labelledby="whatif-h"><h2 id="whatif-h">What if: the next step</h2><div id="whatif"></div></section>
    <section aria-labelledby="graph-h"><h2 id="graph-h">Wait-for graph at this step <button type="button" id="graph-zoom" aria-pressed="false">actual size</button></h2><p id="graph-summary"></p><div id="graph" role="img" aria-label="wait-for graph of the state shown"></div></section>
    <section aria-labelledby="state-h"><h2 id="state-h">State at this step</h2><div id="state"></div></section>
  </div>
</main>
<script id="explorer-data" type="application/json">${scriptJson(data)}</script>
<script>${script.replace(/<\/script/gi, '<\\/script')}</script>
</body>
</html>
`;
}
