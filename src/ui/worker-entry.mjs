// Entry of the UI worker thread: TypeScript (and .tsx) load through tsx here
// too, since a loader registered in the main thread does not reach workers.
import { register } from 'tsx/esm/api';

register();
await import('./worker.tsx');
