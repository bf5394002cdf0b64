/**
 * The explorer's position in the URL fragment, so a reload or a shared link
 * reopens the same point: `#m=<model hash>&p=<path>&s=<step>`. The path is
 * `r` for the recorded schedule, or `r<k>.<id>.<id>...` for its first k
 * steps followed by the given step ids (a "what if" branch); `s` is the
 * number of steps taken at the point shown (0 = the initial state).
 */

export interface ExplorerPoint {
  readonly hash: string;
  /** Recorded steps kept before the chosen ones. */
  readonly recordedPrefix: number;
  /** Step ids chosen after the recorded prefix. */
  readonly chosen: readonly number[];
  readonly step: number;
}

export function encodeFragment(p: ExplorerPoint, recordedLength: number): string {
  const path = p.chosen.length === 0 && p.recordedPrefix === recordedLength
    ? 'r'
    : `r${p.recordedPrefix}${p.chosen.map((id) => `.${id}`).join('')}`;
  return `#m=${p.hash}&p=${path}&s=${p.step}`;
}

/** The point a fragment names, or a sentence saying why it names none. */
export function decodeFragment(fragment: string, recordedLength: number): ExplorerPoint | { readonly error: string } {
  const fields = new Map(fragment.replace(/^#/, '').split('&').filter(Boolean).map((kv) => {
    const at = kv.indexOf('=');
    return at < 0 ? [kv, ''] as const : [kv.slice(0, at), kv.slice(at + 1)] as const;
  }));
  const hash = fields.get('m');
  const path = fields.get('p');
  const step = fields.get('s');
  if (!hash || path === undefined || step === undefined) return { error: 'the link does not name a point of this explorer (want #m=...&p=...&s=...)' };
  const m = /^r(\d*)((?:\.\d+)*)$/.exec(path);
  if (!m || !/^\d+$/.test(step)) return { error: `the link's path "${path}" or step "${step}" is malformed` };
  const recordedPrefix = m[1] === '' ? recordedLength : Number(m[1]);
  if (recordedPrefix > recordedLength) return { error: `the link keeps ${recordedPrefix} recorded steps, but this schedule has ${recordedLength}` };
  const chosen = m[2] === '' ? [] : m[2].slice(1).split('.').map(Number);
  return { hash, recordedPrefix, chosen, step: Number(step) };
}
