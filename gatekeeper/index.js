'use strict';
// The package's entry point: its compiled src/index.ts. The repository compiles into one dist/ (tsconfig.json), and a
// "main" of ../dist/... would be resolved against the node_modules/ link of this package, not against this folder.
module.exports = require('../dist/gatekeeper/src/index.js');
