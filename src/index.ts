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

// Linux networking
export {
  checkCapabilities,
  missingCapabilities,
  parseCapEff,
  type CapabilityName,
} from './net/capabilities.js';
export { IpCommand, type BatchLineResult, type IpCommandOptions } from './net/ip-command.js';
export {
  linkLocalIpv6,
  primaryIpv4,
  readInterface,
  type InterfaceAddress,
  type InterfaceInfo,
} from './net/interfaces.js';
export {
  VRRP_GROUP,
  VrrpSocket,
  type DatagramListener,
  type IpFamily,
  type ReceivedDatagram,
  type VrrpSocketCounters,
  type VrrpSocketOptions,
} from './net/vrrp-socket.js';
export {
  addressArgs,
  addressCidr,
  addressSpecFromVip,
  routeOrRuleArgs,
  type AddressSpec,
} from './net/address-spec.js';
export { OwnedState, type OwnedEntry, type OwnedKind } from './net/owned-state.js';
export {
  KernelConfig,
  type ApplyOutcome,
  type ApplyResult,
  type KernelConfigOptions,
} from './net/kernel-config.js';
export { GratuitousArp, arpingArgs, type GratuitousArpOptions } from './net/gratuitous-arp.js';
export { UnsolicitedNa, buildNeighbourAdvert } from './net/unsolicited-na.js';
export { LinkMonitor, linkUp, parseLinkLine, type LinkState } from './net/link-monitor.js';
