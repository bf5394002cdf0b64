import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { fakeIO } from './fake-io.js';

describe('interleave check limits and reductions', () => {
  it('stops cleanly at --max-memory with a partial report and exit code 3', async () => {
    const io = fakeIO();
    const code = await main(['check', 'dm-snapshot/in-progress', '--writers', '5', '--cow-threshold', '0', '--max-memory', '4M', '--json'], io);
    expect(code).toBe(3);
    expect(JSON.parse(io.out.join('\n'))).toMatchObject({ verdict: 'unknown', completion: 'memory-limit', complete: false });
  });

  it('takes --max-memory as a decimal size and refuses one no search fits in', async () => {
    const run = async (size: string) => {
      const io = fakeIO();
      const code = await main(['check', 'dm-snapshot/semaphore', '--writers', '1', '--ctrs', '0', '--max-memory', size, '--quiet'], io);
      return { code, err: io.err.join('\n') };
    };
    expect((await run('1.5G')).code).toBe(0);
    expect(await run('0')).toEqual({ code: 2, err: expect.stringMatching(/^interleave: --max-memory must be at least 1K, got "0"/) });
    expect(await run('lots')).toEqual({ code: 2, err: expect.stringMatching(/a bare number is MiB/) });
  });

  it('reports the same verdict with --symmetry and --workers, and records them', async () => {
    const io = fakeIO();
    const code = await main(['check', 'dm-snapshot/semaphore', '--writers', '3', '--ctrs', '2', '--symmetry', '--workers', '2', '--json'], io);
    expect(code).toBe(1);
    expect(JSON.parse(io.out.join('\n'))).toMatchObject({ verdict: 'deadlock', depth: 11, reductions: ['symmetry'], workers: 2 });
  });

  it.each([
    [['--workers', '0'], /--workers must be an integer >= 1/],
    [['--bitstate-bits', '20'], /--bitstate-bits needs --bitstate/],
    [['--bitstate', '--bitstate-bits', '40'], /--bitstate-bits 40 is too large/],
  ])('rejects %j with exit code 2', async (flags, message) => {
    const io = fakeIO();
    expect(await main(['check', 'dm-snapshot/semaphore', ...flags], io)).toBe(2);
    expect(io.err.join('\n')).toMatch(message);
  });
});
