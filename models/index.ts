/** Every model interleave knows by name. */
import type { ModelDefinition } from '../src/model/definition.js';
import inProgress from './dm-snapshot/in-progress.js';
import semaphore from './dm-snapshot/semaphore.js';
import unthrottled from './dm-snapshot/unthrottled.js';

export const registry: readonly ModelDefinition[] = [
  unthrottled as unknown as ModelDefinition,
  semaphore as unknown as ModelDefinition,
  inProgress as unknown as ModelDefinition,
];
