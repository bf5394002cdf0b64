// @jsxRuntime automatic (also when tsx runs without this project's tsconfig, e.g. from another directory)
/**
 * The live line: which run, then states, transitions, states/s, BFS depth,
 * frontier, memory and elapsed time, from the latest sampled progress event.
 */
import { Box, Text } from 'ink';
import { progressFields, runStartLine, type RunStart } from '../render/text.js';
import type { ProgressSample } from './store.js';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export interface ProgressProps {
  readonly run: RunStart;
  /** The latest sample; ignored when it belongs to another run. */
  readonly sample?: ProgressSample;
}

export function Progress({ run, sample }: ProgressProps) {
  const current = sample && (sample.run === undefined || sample.run === run.index) ? sample : undefined;
  const frame = FRAMES[Math.floor((current?.elapsedMs ?? 0) / 250) % FRAMES.length];
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        <Text color="cyan">{frame}</Text> exploring <Text bold>{runStartLine(run)}</Text>
      </Text>
      <Box paddingLeft={2} flexWrap="wrap" columnGap={2}>
        {current ? (
          progressFields(current, current).map(([label, value]) => (
            <Text key={label}>
              <Text dimColor>{label}</Text> {value}
            </Text>
          ))
        ) : (
          <Text dimColor>starting…</Text>
        )}
      </Box>
      <Box paddingLeft={2}>
        <Text dimColor>Ctrl-C stops the search and prints a partial report</Text>
      </Box>
    </Box>
  );
}
