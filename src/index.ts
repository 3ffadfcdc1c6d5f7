/**
 * Tandem's public API: the only module built-in and user plugins import (design.md §2).
 */
export type { Directive, DirectiveTree, Word } from './config/directive.js';
export { formatLoc, type SourceLoc } from './config/source-loc.js';
export type * from './config/model/index.js';
export {
  configError,
  configWarning,
  formatDiagnostic,
  hasErrors,
  type Diagnostic,
  type Result,
  type Severity,
} from './core/diagnostic.js';
export { ErrorCodes, TandemError, messageOf, type ErrorCode } from './core/errors.js';
export { SystemClock, VirtualClock, seededRandom, type Clock, type Random, type TimerHandle } from './core/clock.js';
export {
  WritableSignal,
  sameTrackerState,
  type Signal,
  type SignalListener,
  type TrackerState,
} from './core/signal.js';
export { EventBus, type EventListener, type EventMap } from './core/events.js';
export {
  createLogger,
  createMemoryLogger,
  silentLogger,
  type LogFields,
  type LogLevel,
  type LogRecord,
  type Logger,
  type LoggerOptions,
} from './core/logger.js';
export {
  HOST_API_VERSION,
  definePlugin,
  type Plugin,
  type PluginContext,
  type PluginKind,
  type PluginMeta,
  type Service,
  type ServicePlugin,
  type StrategyPlugin,
  type TrackerDirectory,
} from './core/plugin.js';

// keepalived.conf (issue 3): loading, the `-t` config test and the `-d` dump.
export {
  defaultConfigId,
  fixedHost,
  keepalivedConfigTest,
  loadKeepalivedConfig,
  systemHost,
  type ConfigTestOptions,
  type ConfigTestResult,
  type ExitClass,
  type KeepalivedHost,
  type KeepalivedLoad,
  type LoadKeepalivedOptions,
} from './config/keepalived.js';
export { dumpKeepalivedConfig, type DumpOptions } from './config/keepalived-dump.js';
export type * from './config/model/keepalived.js';
