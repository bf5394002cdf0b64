/** Every model interleave knows by name, and what the main job runs. */
import type { ModelCatalog, ModelDefinition, RunSpec } from '../src/model/definition.js';
import { dmBufioRuns } from './dm-bufio/main-job.js';
import dmBufioShrinkerLoop from './dm-bufio/shrinker-loop.js';
import inProgress from './dm-snapshot/in-progress.js';
import { dmSnapshotRuns } from './dm-snapshot/main-job.js';
import semaphore from './dm-snapshot/semaphore.js';
import unthrottled from './dm-snapshot/unthrottled.js';
import workqueueRetry from './dm-snapshot/workqueue-retry.js';
import { execRuns } from './exec/main-job.js';
import execPtraceCredGuard from './exec/ptrace-cred-guard.js';
import { mdRuns } from './md/main-job.js';
import mdSuspendWriteStart from './md/suspend-write-start.js';

export type { RunSpec };

// Definitions are generic in their parameter specs; the registry only needs the common shape.
const erase = (d: unknown) => d as ModelDefinition;

export const registry: readonly ModelDefinition[] = [erase(unthrottled), erase(semaphore), erase(inProgress), erase(workqueueRetry), erase(mdSuspendWriteStart), erase(dmBufioShrinkerLoop), erase(execPtraceCredGuard)];

export const mainJob: readonly RunSpec[] = [...dmSnapshotRuns, ...mdRuns, ...dmBufioRuns, ...execRuns];

/** What the command line is handed by its caller (bin/interleave.js, the tests). */
export const catalog: ModelCatalog = { registry, mainJob };
