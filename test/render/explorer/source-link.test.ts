import { describe, expect, it } from 'vitest';
import { kernelSourceUrl } from '../../../src/render/explorer/source-link.js';

describe('kernelSourceUrl', () => {
  it('links a release tag to Elixir at the line', () => {
    expect(kernelSourceUrl({ file: 'drivers/md/dm-snap.c', line: 1759, func: 'start_copy', commit: 'v5.3.1' }))
      .toBe('https://elixir.bootlin.com/linux/v5.3.1/source/drivers/md/dm-snap.c#L1759');
  });

  it('links any other commit id to the cgit tree of Linus\'s repository', () => {
    expect(kernelSourceUrl({ file: 'drivers/md/dm-snap.c', line: 2495, func: 'do_origin', commit: 'b21555786f1' }))
      .toBe('https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git/tree/drivers/md/dm-snap.c?id=b21555786f1#n2495');
  });

  it('gives no link when the commit names no revision', () => {
    expect(kernelSourceUrl({ file: 'x.c', line: 1, func: 'f', commit: 'my laptop' })).toBeUndefined();
  });
});
