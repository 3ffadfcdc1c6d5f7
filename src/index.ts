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

// Trackers
export {
  fileTrackEffect,
  fileTrackerState,
  healthTrackEffect,
  healthTrackerState,
  reweightTrackerState,
  sameTrackerValue,
  weightedTrackerState,
  type TrackEffect,
  type TrackValueKind,
} from './core/track-weight.js';
export { publishTracker } from './core/tracker-publish.js';
export {
  ProcessGroup,
  spawnProcessGroup,
  type ProcessGroupExit,
  type ProcessGroupOptions,
} from './core/process-group.js';
export {
  DEFAULT_SCRIPT_USER,
  resolveScriptUser,
  type ScriptIdentity,
  type ScriptUserName,
  type ScriptUserResult,
} from './core/script-user.js';
export {
  checkScriptSecurity,
  isExecutableBy,
  type ScriptSecurityFlags,
  type ScriptSecurityResult,
} from './core/script-security.js';
export type { ScriptTrackerConfig, ScriptTrackerParams } from '../plugins/track-script/params.js';
export { ScriptTrackerService, createScriptTrackerPlugin } from '../plugins/track-script/plugin.js';
export type { FileTrackerConfig, FileTrackerParams } from '../plugins/track-file/params.js';
export { FileTrackerService, createFileTrackerPlugin } from '../plugins/track-file/plugin.js';
export type {
  ParamMatch,
  ProcessTrackerConfig,
  ProcessTrackerParams,
} from '../plugins/track-process/params.js';
export { ProcessTrackerService, createProcessTrackerPlugin } from '../plugins/track-process/plugin.js';
export type { InterfaceTrackerConfig, InterfaceTrackerParams } from '../plugins/track-interface/params.js';
export {
  parseLinkLine,
  signalLinkSource,
  type LinkLine,
  type LinkSource,
  type SignalLinkMonitor,
} from '../plugins/track-interface/link-source.js';
export {
  IpMonitorLinkSource,
  type IpMonitorOptions,
} from '../plugins/track-interface/ip-monitor-link-source.js';
export { InterfaceTrackerService, createInterfaceTrackerPlugin } from '../plugins/track-interface/plugin.js';
