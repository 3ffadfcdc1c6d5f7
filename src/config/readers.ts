/**
 * Registers the readers for the operator's keepalived.conf and nginx.conf with the config loader.
 * Imported once by the CLI; kept apart so src/config/load.ts does not depend on both grammars.
 */
import { registerConfigReader } from './load.js';
import { nginxConfigReader } from './nginx.js';

registerConfigReader(nginxConfigReader);
