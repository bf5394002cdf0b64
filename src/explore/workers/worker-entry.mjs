// Plain-JavaScript entry for expansion workers: registers tsx's loader in
// this thread (loaders are per thread), then loads the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
