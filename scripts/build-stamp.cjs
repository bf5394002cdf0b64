// Whether dist/ is current: built (scripts/build.mjs writes the stamp)
// after every file under src/ and models/ last changed. One answer for
// bin/interleave.js, which runs the build or else the sources, and for the
// worker threads of a process running the sources (the tests, the bench),
// which start from the build when it is current. CommonJS, so both an ES
// module and a synchronous require can load it before anything is built.
'use strict';
const { existsSync, readdirSync, readFileSync, statSync } = require('node:fs');
const { join, sep } = require('node:path');

/**
 * An installed copy (under node_modules) is taken as built: npm unpacks a
 * package with file times that say nothing about the build (every source
 * looked newer, so each run tried to rebuild, without the dev dependencies
 * it needs), and nobody edits a package there. A checkout is compared by
 * time.
 *
 * @param {string} root the package's folder
 */
function buildIsCurrent(root) {
  const stamp = join(root, 'dist', 'build-stamp.json');
  if (!existsSync(stamp)) return false;
  if (root.split(sep).includes('node_modules')) return true;
  const { started } = JSON.parse(readFileSync(stamp, 'utf8'));
  for (const dir of ['src', 'models']) {
    for (const entry of readdirSync(join(root, dir), { recursive: true, withFileTypes: true })) {
      if (entry.isFile() && statSync(join(entry.parentPath, entry.name)).mtimeMs > started) return false;
    }
  }
  return true;
}

module.exports = { buildIsCurrent };
