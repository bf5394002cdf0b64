import { stripVTControlCharacters } from 'node:util';

/** A terminal frame as plain text: no colour codes, no trailing spaces. */
export function plainFrame(frame: string | undefined): string {
  return stripVTControlCharacters(frame ?? '')
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n')
    .trim();
}

/** The same normalisation for expected text. */
export function plainText(text: string): string {
  return text.split('\n').map((l) => l.trimEnd()).join('\n').trim();
}
