/**
 * Registers the readers for the operator's keepalived.conf and nginx.conf with the config loader.
 * Imported once by the CLI; kept apart so src/config/load.ts does not depend on both grammars.
 */
import { loadKeepalivedConfig } from './keepalived.js';
import { registerConfigReader } from './load.js';
import { nginxConfigReader } from './nginx.js';

registerConfigReader(nginxConfigReader);

registerConfigReader({
  key: 'keepalived',
  read(file, tandem) {
    const r = loadKeepalivedConfig(file, tandem.configId === undefined ? {} : { configId: tandem.configId });
    // keepalived runs despite the config errors it skips (an unknown keyword, a bad VIP line), logging
    // them; Tandem does the same. Only a fatal class (4) or a script-security refusal (6) stops it.
    const usable = r.model !== undefined && r.exitClass !== 4;
    return { ...(usable ? { value: r.model } : {}), diagnostics: r.diagnostics, exitCode: r.exitClass };
  },
});
