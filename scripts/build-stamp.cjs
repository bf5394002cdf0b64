// Whether dist/ is current: built (scripts/build.mjs writes the stamp)
// after every file under src/ and models/ last changed. One answer for
// bin/interleave.js, which runs the build or else the sources, and for the
// worker threads of a process running the sources (the tests, the bench),
// which start from the build when it is current. CommonJS, so both an ES
// module and a synchronous require can load it before anything is built.
'use strict';
const { existsSync, readdirSync, readFileSync, statSync } = require('node:fs');
const { join } = require('node:path');

/** @param {string} root the package's folder */
function buildIsCurrent(root) {
  const stamp = join(root, 'dist', 'build-stamp.json');
  if (!existsSync(stamp)) return false;
  const { started } = JSON.parse(readFileSync(stamp, 'utf8'));
  for (const dir of ['src', 'models']) {
    for (const entry of readdirSync(join(root, dir), { recursive: true, withFileTypes: true })) {
      if (entry.isFile() && statSync(join(entry.parentPath, entry.name)).mtimeMs > started) return false;
    }
  }
  return true;
}

module.exports = { buildIsCurrent };
