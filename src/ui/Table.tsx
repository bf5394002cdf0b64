// @jsxRuntime automatic (also when tsx runs without this project's tsconfig, e.g. from another directory)
/**
 * A fixed-width table, cell for cell the same text as `table()` in
 * render/text.ts (same widths, same two-space gutters), with tones as colours.
 */
import { Box, Text } from 'ink';
import { columnWidths, fitTable, type Tone } from '../render/text.js';
import { TONE_COLOR } from './tones.js';

export interface TableProps {
  readonly header: readonly string[];
  readonly rows: ReadonlyArray<readonly string[]>;
  readonly tones?: ReadonlyArray<ReadonlyArray<Tone | undefined>>;
  /** The terminal's width: long cells wrap onto extra lines to fit it. */
  readonly width?: number;
}

export function Table({ header, rows: allRows, tones: allTones, width }: TableProps) {
  const fitted = width === undefined ? undefined : fitTable(header, allRows, width);
  const rows = fitted?.rows ?? allRows;
  const tones = fitted && allTones ? fitted.source.map((r) => allTones[r]) : allTones;
  const widths = columnWidths(header, rows);
  const pad = (cells: readonly string[], i: number) => (i === cells.length - 1 ? cells[i] : cells[i].padEnd(widths[i]));
  return (
    <Box flexDirection="column">
      <Text bold>{header.map((_, i) => pad(header, i)).join('  ')}</Text>
      <Text dimColor>{widths.map((w) => '-'.repeat(w)).join('  ')}</Text>
      {rows.map((row, r) => (
        <Text key={r}>
          {row.map((_, i) => {
            const tone = tones?.[r]?.[i];
            return (
              <Text key={i}>
                {i > 0 ? '  ' : ''}
                {tone ? <Text color={TONE_COLOR[tone]}>{pad(row, i)}</Text> : pad(row, i)}
              </Text>
            );
          })}
        </Text>
      ))}
    </Box>
  );
}
