// Installs the Node platform (lib/node.ts) before any test module runs, as the package
// entry does, so suites that import internal modules get the same backend choice.
import '../lib/node.js';
