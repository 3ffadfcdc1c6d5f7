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

// Load balancing
export {
  SERVER_DEFAULTS,
  implicitUpstreamParams,
  serverParams,
  type MethodOptions,
  type ServerParams,
  type UpstreamParams,
} from './proxy/upstream/params.js';
export { Peer, PeerSet } from './proxy/upstream/peer.js';
export { PeerRequest, type PeerOutcome } from './proxy/upstream/peer-request.js';
export { Upstream, createUpstream } from './proxy/upstream/upstream.js';
export type { PickInput, Strategy } from './proxy/upstream/strategy.js';
export { roundRobinPick, swrrRound } from './proxy/upstream/round-robin.js';
export {
  CRC32_INIT,
  crc32,
  crc32Byte,
  crc32Bytes,
  crc32Decimal,
  crc32Final,
  crc32String,
  crc32Uint32LE,
} from './proxy/upstream/crc32.js';
export { ipHashBytes, ipHashBytesInto, ipv6Bytes } from './proxy/upstream/client-address.js';
export type { StrategyDeps } from './core/plugin.js';
export {
  createNextUpstreamDecider,
  defaultNextUpstream,
  failureKindOfStatus,
  isStatusFailure,
  nextUpstreamMask,
  nextUpstreamVerdict,
  retryOutcome,
  type FailureKind,
  type NextUpstreamCondition,
  type NextUpstreamFacts,
  type NextUpstreamParams,
  type NextUpstreamVerdict,
} from './proxy/next-upstream.js';
export {
  NO_LIVE_UPSTREAMS,
  decideNextUpstream,
  finishAttempt,
  phaseContext,
  upstreamErrorLine,
  type AttemptFailure,
  type AttemptResult,
  type ErrorCause,
  type NextUpstreamDecision,
  type UpstreamLogLine,
  type UpstreamPhase,
} from './proxy/next-upstream-attempt.js';
// The built-in strategy plugins (they import this barrel; these re-exports are live bindings only).
export { roundRobin, roundRobinPlugin } from '../plugins/balancer-round-robin/index.js';
export { ipHash, ipHashPlugin } from '../plugins/balancer-ip-hash/index.js';
export { ConsistentHash, hash, hashPlugin } from '../plugins/balancer-hash/index.js';
export { leastConn, leastConnPlugin } from '../plugins/balancer-least-conn/index.js';
export { RandomStrategy, randomPlugin } from '../plugins/balancer-random/index.js';

// Stream proxy
export {
  StreamService,
  type StreamServerSpec,
  type StreamServiceDeps,
} from './proxy/stream/stream-service.js';
export { StreamListener, type StreamCounters } from './proxy/stream/stream-listener.js';
export { STREAM_DEFAULTS, type ListenAddress, type StreamServerParams } from './proxy/stream/types.js';
export { implicitUpstreamOf, upstreamParamsOf } from './config/adapt/nginx/upstream-params.js';
export type * from './config/model/nginx.js';

// VRRP engine
export * from '../plugins/vrrp/index.js';

// Admin
export {
  VRRP_ERROR_KEYS,
  VRRP_STATE_NUMBER,
  emptyStatusSource,
  zeroVrrpStats,
  type ListenerStatus,
  type PeerStatus,
  type ResponseClasses,
  type StatusSource,
  type SyncGroupStatus,
  type TrackerStatus,
  type UpstreamStatus,
  type VipStatus,
  type VrrpInstanceStatus,
  type VrrpState,
  type VrrpStats,
} from './admin/status-source.js';
export { lazyStatusSource } from './admin/lazy-source.js';
export { Metrics, type MetricsOptions } from './admin/metrics/metrics.js';
export { sharedMetrics } from './admin/metrics/shared.js';
export { PeerMetrics, UpstreamMetrics } from './admin/metrics/peer-metrics.js';
export { FrontendMetrics } from './admin/metrics/frontend-metrics.js';
export { CODE_CLASSES, codeClassIndex, type CodeClass } from './admin/metrics/code-class.js';
export {
  createAdminServer,
  startAdminServer,
  type AdminServer,
  type AdminServerOptions,
} from './admin/server.js';
export { adminListenProblem } from './admin/listen-policy.js';
export type { StatusSnapshot, PeerSnapshot, UpstreamSnapshot } from './admin/status-snapshot.js';
export {
  defaultDumpPaths,
  installDumpSignals,
  writeDump,
  type DumpKind,
  type DumpPaths,
  type SignalTarget,
} from './admin/dump/dump-signals.js';
export { formatKeepalivedData } from './admin/dump/keepalived-data.js';
export { formatKeepalivedStats } from './admin/dump/keepalived-stats.js';
export { formatKeepalivedJson } from './admin/dump/keepalived-json.js';

// Status aggregation
export {
  isProxyStatusProvider,
  setDrained,
  upstreamStatus,
  type ProxyStatusProvider,
} from './proxy/upstream/upstream-status.js';
export { canonicalJson, maskSecrets } from './config/dump.js';

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
  monitorLinkSource,
  signalLinkSource,
  type LinkSource,
  type SignalLinkMonitor,
} from '../plugins/track-interface/link-source.js';
export { InterfaceTrackerService, createInterfaceTrackerPlugin } from '../plugins/track-interface/plugin.js';

// nginx.conf (issue 4): reading, `-t`, `-d`, the policy table and the resolver nginx -t uses.
export {
  NGINX_UNHONOURED,
  dumpNginxConfig,
  loadNginxConfig,
  nginxConfigReader,
  nginxConfigTest,
  type LoadNginxOptions,
  type NginxConfigTestResult,
  type NginxLoadResult,
} from './config/nginx.js';
export { directivePolicy, type NginxDirectivePolicy } from './config/adapt/nginx/policy.js';
export { createSystemResolver, type HostResolver } from './config/adapt/nginx/resolve-host.js';

// HTTP proxy
export { HttpProxy, proxyHostOf, type BoundAddress } from './proxy/http/http-proxy.js';
export type { HttpProxyOptions } from './proxy/http/compile.js';
export type { AccessEntry, AccessLogSink } from './proxy/http/access-log.js';
export { KeepalivePool, keepaliveParams } from './proxy/http/keepalive-pool.js';
export { defaultSignature, errorPage, reasonPhrases } from './proxy/http/error-pages.js';
export { LocationMatcher, type MatchableLocation } from './proxy/http/location-match.js';
export { VirtualHosts, normalizeHost } from './proxy/http/server-name.js';
export { compileTemplate, variableGetter } from './proxy/http/variables.js';
export type {
  DecideNext,
  FailureKind as HttpFailureKind,
  HttpServerParams,
  KeepaliveParams,
  ListenParams,
  LocationMatchKind,
  LocationParams,
  NextUpstreamCondition as HttpNextUpstreamCondition,
  NextUpstreamContext,
  NextUpstreamDecision as HttpNextUpstreamDecision,
  PeerLease,
  PeerOutcome as LeaseOutcome,
  LeasePhase,
  PickRequest,
  PickSession,
  ProxyPassParams,
  ReturnParams,
  SetHeaderParams,
  UpstreamPicker,
} from './proxy/http/types.js';

// VRRP advert pacer (issue 6 soak): keeps a MASTER's adverts on time through main-loop pauses.
export { AdvertPacer, type AdvertPacerOptions, type PacerSlotSpec } from './net/advert-pacer.js';

// Custom plugins (issue 11 item 7): what user strategies, trackers and listeners build on.
export { ScriptCounter } from './core/script-counter.js';
export { parseNginxInt, parseNginxTime } from './config/adapt/nginx/units.js';
export { checkPluginConfig, loadPlugins, type PluginSetup } from './core/plugin-setup.js';
export { loadPluginModule } from './core/plugin-loader.js';
export { PluginRegistry } from './core/registry.js';

// VIP listeners and proxy health (issue 11 item 2)
export {
  canonicalAddress,
  isWildcardHost,
  listenModeOf,
  servedInstances,
  vipOwnersOf,
  type ListenMode,
  type NonlocalBind,
  type VipOwners,
} from './proxy/vip/listen-decision.js';
export { readNonlocalBind } from './proxy/vip/nonlocal-bind.js';
export { isNginxProcessCheck } from './proxy/vip/nginx-check.js';
export {
  listenHostsOf,
  proxyHealthName,
  proxyHealthPlan,
  withProxyHealthTracks,
  type ProxyHealthPlan,
} from './proxy/vip/proxy-health-refs.js';
export { ListenerGate, type GatedListener, type ListenerGateOptions } from './proxy/vip/listener-gate.js';
export { bindErrorText, listenText } from './proxy/vip/bind-error.js';
export {
  createVipService,
  vipListenConfigOf,
  type VipListenConfig,
  type VipService,
} from './proxy/vip/vip-service.js';
export { defaultProxyHealth } from './config/adapt/tandem/tandem-conf.js';
export { listenAddressDiagnostics, systemListenHost, type ListenHost } from './proxy/vip/listen-check.js';

// keepalived keywords Tandem does not act on (issue 3 audit)
export { AH_NOT_SUPPORTED, FAULT_NO_PEER_NOT_SUPPORTED } from './config/adapt/keepalived/unsupported.js';
