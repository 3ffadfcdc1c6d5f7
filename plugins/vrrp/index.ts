/**
 * The VRRP engine's public surface: the pure reducer and its types, the driver on a Clock, and the codec
 * the Linux effect runner needs. Re-exported from src/index.ts under "VRRP engine".
 */
export { createVrrpState, step } from './state-machine.js';
export { VrrpMachine, type VrrpEffectSink } from './machine.js';
export type {
  VrrpEffect,
  VrrpGroupState,
  VrrpGroupStateName,
  VrrpInput,
  VrrpInstanceState,
  VrrpNotifyState,
  VrrpOutPacket,
  VrrpState,
  VrrpStateName,
  VrrpStepResult,
  VrrpTimerName,
} from './types.js';
export type {
  VrrpGarpParams,
  VrrpInstanceParams,
  VrrpParams,
  VrrpSyncGroupParams,
  VrrpTrackerParams,
  VrrpUnicastPeer,
  VrrpVip,
} from './params.js';
export { emptyStats, type VrrpCounter, type VrrpStats } from './stats.js';
export { adverIntUs, masterDownUs, skewUs } from './timers.js';
export type { VrrpFamily } from './codec/address.js';
export type { VrrpAdvert } from './codec/advert.js';
export { IPPROTO_VRRP, vrrpChecksum, type ChecksumForm } from './codec/checksum.js';
export { decodeAdvert } from './codec/decode.js';
export { encodeAdvert, type EncodeAdvertOptions } from './codec/encode.js';
export {
  buildIPv4Header,
  parseIPv4Header,
  type IPv4HeaderInfo,
  type IPv4HeaderOptions,
} from './codec/ipv4-header.js';
export { IPPROTO_AH, packetFromIPv4Datagram, type ReceivedVrrpPacket } from './codec/packet.js';
export {
  checkAdvert,
  type AdvertCheck,
  type AdvertCheckTarget,
  type AdvertRejectReason,
} from './codec/validate.js';
