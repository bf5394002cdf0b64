/**
 * Samples the latest progress a few times a second. The explorer may report
 * far more often; sampling keeps repaints (and their cost) bounded no matter
 * how fast the search runs.
 */
import { useEffect, useState } from 'react';
import type { ProgressSample } from './store.js';

export interface ProgressSource {
  latestProgress(): ProgressSample | undefined;
}

/** Default sampling period: 4 repaints a second. */
export const PROGRESS_SAMPLE_MS = 250;

export function useProgress(source: ProgressSource, intervalMs: number = PROGRESS_SAMPLE_MS): ProgressSample | undefined {
  const [sample, setSample] = useState<ProgressSample | undefined>(() => source.latestProgress());
  useEffect(() => {
    const timer = setInterval(() => setSample(source.latestProgress()), intervalMs);
    return () => clearInterval(timer);
  }, [source, intervalMs]);
  return sample;
}
