// The namespace process runner is product code now (src/net/ns-process.ts: `npm run demo` uses it);
// the tests keep importing it from here.
export { NsProcess, type ProcessExit } from '../../src/net/ns-process.js';
