/**
 * Links a source reference to a public kernel source browser at its file,
 * line and commit. Only a link: the page fetches nothing. Release tags
 * (`v5.3.1`) go to Elixir, which indexes tags only; any other commit id
 * goes to the cgit tree of Linus's repository, which resolves any id.
 */
import type { SourceRef } from '../../model/types.js';

const TAG = /^v\d+\.\d+(?:\.\d+)?(?:-rc\d+)?$/;
const COMMIT = /^[0-9a-f]{7,40}$/i;

/** The URL of `ref`'s line, or undefined when its commit names no kernel revision. */
export function kernelSourceUrl(ref: SourceRef): string | undefined {
  const file = ref.file.replace(/^\/+/, '').split('/').map(encodeURIComponent).join('/');
  if (TAG.test(ref.commit)) return `https://elixir.bootlin.com/linux/${ref.commit}/source/${file}#L${ref.line}`;
  if (COMMIT.test(ref.commit)) {
    return `https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git/tree/${file}?id=${ref.commit}#n${ref.line}`;
  }
  return undefined;
}
