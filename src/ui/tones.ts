/** Terminal colours for report tones. */
import type { Tone } from '../render/text.js';

export const TONE_COLOR: Readonly<Record<Tone, string>> = { ok: 'green', bad: 'red', warn: 'yellow' };

/** A one-character mark for a verdict tone: check, cross, question. */
export const TONE_MARK: Readonly<Record<Tone, string>> = { ok: '✔', bad: '✘', warn: '?' };
