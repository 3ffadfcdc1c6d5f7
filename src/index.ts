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
export {
  SystemClock,
  VirtualClock,
  seededRandom,
  type Clock,
  type Random,
  type TimerHandle,
} from './core/clock.js';
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

// HTTP proxy
export { HttpProxy, proxyHostOf, type BoundAddress } from './proxy/http/http-proxy.js';
export type { HttpProxyOptions } from './proxy/http/compile.js';
export type { AccessEntry, AccessLogSink } from './proxy/http/access-log.js';
export { KeepalivePool, keepaliveParams } from './proxy/http/keepalive-pool.js';
export { createNextUpstreamDecider, defaultNextUpstream } from './proxy/http/next-upstream.js';
export { defaultSignature, errorPage, reasonPhrases } from './proxy/http/error-pages.js';
export { LocationMatcher, type MatchableLocation } from './proxy/http/location-match.js';
export { VirtualHosts, normalizeHost } from './proxy/http/server-name.js';
export { compileTemplate, variableGetter } from './proxy/http/variables.js';
export type {
  DecideNext,
  FailureKind,
  HttpServerParams,
  KeepaliveParams,
  ListenParams,
  LocationMatchKind,
  LocationParams,
  NextUpstreamCondition,
  NextUpstreamContext,
  NextUpstreamDecision,
  NextUpstreamParams,
  PeerLease,
  PeerOutcome,
  PickRequest,
  PickSession,
  ProxyPassParams,
  ReturnParams,
  SetHeaderParams,
  UpstreamPicker,
} from './proxy/http/types.js';
