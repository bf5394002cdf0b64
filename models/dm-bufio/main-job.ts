/** The dm-bufio configurations `npm start` checks: the bug, the reverted trylock change, the real fix. */
import type { RunSpec } from '../../src/model/definition.js';

export const dmBufioRuns: readonly RunSpec[] = [
  { title: 'dm-bufio: shrinker under c->lock waits for a write the loop worker serves (v5.2.1)', model: 'dm-bufio/shrinker-loop', params: { design: 'bug' } },
  { title: 'dm-bufio: the trylock change bd293d071ffe (reverted by cf3591ef8329)', model: 'dm-bufio/shrinker-loop', params: { design: 'trylock' } },
  { title: 'dm-bufio: the loop worker with PF_MEMALLOC_NOIO (d0a255e795ab)', model: 'dm-bufio/shrinker-loop', params: { design: 'noio' } },
];
