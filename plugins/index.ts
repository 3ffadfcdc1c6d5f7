import type { Plugin } from '../src/index.js';
import { adminPlugin } from './admin/index.js';
import hashPlugin from './balancer-hash/index.js';
import ipHashPlugin from './balancer-ip-hash/index.js';
import leastConnPlugin from './balancer-least-conn/index.js';
import randomPlugin from './balancer-random/index.js';
import roundRobinPlugin from './balancer-round-robin/index.js';
import {
  fileTrackerPlugin,
  interfaceTrackerPlugin,
  processTrackerPlugin,
  scriptTrackerPlugin,
} from './keepalived-trackers/index.js';
import httpProxyPlugin from './proxy-http/index.js';
import streamProxyPlugin from './proxy-stream/index.js';
import vipListenPlugin from './proxy-vip/index.js';
import statusPlugin from './status/index.js';
import vrrpPlugin from './vrrp/service/plugin.js';

/**
 * The built-in plugins, in registration order (requirements first). An explicit list, not
 * register-on-import, so what runs is visible in one place.
 */
export const builtinPlugins: readonly Plugin[] = [
  scriptTrackerPlugin,
  fileTrackerPlugin,
  processTrackerPlugin,
  interfaceTrackerPlugin,
  roundRobinPlugin,
  ipHashPlugin,
  hashPlugin,
  leastConnPlugin,
  randomPlugin,
  vipListenPlugin,
  vrrpPlugin,
  httpProxyPlugin,
  streamProxyPlugin,
  statusPlugin,
  adminPlugin,
];
