// The range check lives in src/net/documentation-addresses.ts (`npm run demo` uses it too).
export { assertDocumentationAddress as assertTestAddress } from '../../src/net/documentation-addresses.js';
