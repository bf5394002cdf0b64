// @jsxRuntime automatic (also when tsx runs without this project's tsconfig, e.g. from another directory)
/**
 * The final report: the sections `finalReportSections` makes and
 * `finalReportToText` prints for a pipe (render/final-report.ts), here with
 * verdicts in colour.
 */
import { Box, Text, useStdout } from 'ink';
import { sectionsToText, type ReportSection } from '../render/final-report.js';
import { Table } from './Table.js';
import { TONE_COLOR } from './tones.js';

export interface SummaryProps {
  readonly sections: readonly ReportSection[];
}

export function Summary({ sections }: SummaryProps) {
  // Tables fit the terminal: their long cells wrap onto lines of their own
  // column, instead of whole rows soft-wrapping into an unreadable zigzag.
  const { stdout } = useStdout();
  const columns = stdout?.columns || undefined;
  // As wide as the widest line: ink would hard-wrap text lines at the box edge.
  const width = Math.max(1, ...sectionsToText(sections, columns).split('\n').map((l) => l.length));
  return (
    <Box flexDirection="column" width={width}>
      {sections.map((s, i) => (
        <Box key={i} marginTop={i === 0 ? 0 : 1} flexDirection="column">
          {s.kind === 'text' ? (
            <Text bold={s.bold} dimColor={s.dim} color={s.tone ? TONE_COLOR[s.tone] : undefined}>
              {s.text}
            </Text>
          ) : (
            <Table header={s.header} rows={s.rows} tones={s.tones} width={columns} />
          )}
        </Box>
      ))}
    </Box>
  );
}
