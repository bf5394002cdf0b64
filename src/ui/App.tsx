// @jsxRuntime automatic (also when tsx runs without this project's tsconfig, e.g. from another directory)
/**
 * The ink root: finished runs and, at the end, the final report in <Static>
 * (each printed once, scrolling up like plain output), and below them the
 * live progress of the run in flight. It reads data; it computes nothing.
 */
import { Box, Static, Text } from 'ink';
import { useSyncExternalStore } from 'react';
import { Progress } from './Progress.js';
import type { StaticItem, UiStore } from './store.js';
import { Summary } from './Summary.js';
import { TONE_COLOR, TONE_MARK } from './tones.js';
import { useProgress } from './use-progress.js';

export interface AppProps {
  readonly store: UiStore;
  /** How often the live line samples progress, in ms. */
  readonly sampleMs?: number;
}

function Item({ item, first }: { item: StaticItem; first: boolean }) {
  if (item.kind === 'final') {
    return (
      <Box marginTop={first ? 0 : 1}>
        <Summary sections={item.sections} />
      </Box>
    );
  }
  return (
    <Box width={item.line.length + 2}>
      <Text>
        <Text color={TONE_COLOR[item.tone]}>{TONE_MARK[item.tone]}</Text> {item.line}
      </Text>
    </Box>
  );
}

export function App({ store, sampleMs }: AppProps) {
  const state = useSyncExternalStore(store.subscribe, store.getState);
  const sample = useProgress(store, sampleMs);
  return (
    <>
      <Static items={state.items as StaticItem[]}>{(item, i) => <Item key={item.key} item={item} first={i === 0} />}</Static>
      {state.current && !state.ended ? <Progress run={state.current} sample={sample} /> : null}
    </>
  );
}
