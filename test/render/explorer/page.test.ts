import { describe, expect, it } from 'vitest';
import { explorerDataOfModel } from '../../../src/render/explorer/explorer-data.js';
import { explorerHtml } from '../../../src/render/explorer/page.js';
import { exploreCase, SEMAPHORE_DEADLOCK } from '../../explain/acceptance-cases.js';

describe('explorerHtml', () => {
  it('embeds the data so no string in it can close its script element, and it parses back whole', () => {
    const { cm } = exploreCase(SEMAPHORE_DEADLOCK);
    const data = explorerDataOfModel(cm.model, 'evil </script><script>alert(1)</script> & "title"');
    const html = explorerHtml(data, 'console.log("</script>")');
    expect(html.match(/<\/script>/g)).toHaveLength(2);
    const json = /<script id="explorer-data" type="application\/json">([^]*?)<\/script>/.exec(html)![1];
    expect(JSON.parse(json)).toEqual(JSON.parse(JSON.stringify(data)));
    expect(html).toContain('<h1 id="title">evil &lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;title&quot;</h1>');
  });
});
