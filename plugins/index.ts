import type { Plugin } from '../src/index.js';
import { adminPlugin } from './admin/index.js';

/**
 * The built-in plugins, in registration order (requirements first). An explicit list, not
 * register-on-import, so what runs is visible in one place.
 */
export const builtinPlugins: readonly Plugin[] = [adminPlugin];
