import {
  definePlugin,
  lazyStatusSource,
  sharedMetrics,
  startAdminServer,
  type AdminConfig,
  type AdminServer,
  type Metrics,
  type MetricsConfig,
  type PluginContext,
  type Service,
  type ServicePlugin,
  type StatusSource,
} from '../../src/index.js';

/** The admin plugin's slice of the model: where to listen and which metric sets to export. */
export interface AdminSlice {
  readonly admin: AdminConfig;
  readonly metrics: MetricsConfig;
}

/** A service that publishes the daemon's StatusSource (the wiring registers one with id `status`). */
export interface StatusProvider extends Service {
  readonly statusSource: StatusSource;
}

/** The running admin service, for the wiring: `ctx.service<AdminService>('admin')?.notify()` on a change. */
export interface AdminService extends Service<AdminSlice> {
  /** Pushes a fresh status to open dashboards now (VRRP transition, peer up/down). */
  notify(): void;
}

/** What the admin plugin is built with. */
export interface AdminPluginOptions {
  /** The facade the data paths use; the process-wide one by default. */
  readonly metrics?: Metrics;
  /** Where status comes from; by default the `status` service's `statusSource`, looked up per call. */
  readonly source?: (ctx: PluginContext) => StatusSource;
  readonly version?: string;
}

/**
 * Builds the admin service plugin: it runs when tandem.conf or `--admin` configures an admin
 * address, listens there (refusing a non-loopback address without a token), feeds
 * `tandem_config_last_reload_successful` from the bus, and applies token and metric-set changes in
 * place on reload; a new address replaces the server.
 */
export function createAdminPlugin(options: AdminPluginOptions = {}): ServicePlugin<AdminSlice> {
  return definePlugin<ServicePlugin<AdminSlice>>({
    id: 'admin',
    kind: 'service',
    version: '1.0.0',
    api: '^1.0.0',
    select: (model) =>
      model.tandem.admin === undefined
        ? undefined
        : { admin: model.tandem.admin, metrics: model.tandem.metrics },
    create(ctx, slice) {
      const metrics = options.metrics ?? sharedMetrics();
      const source =
        options.source?.(ctx) ?? lazyStatusSource(() => ctx.service<StatusProvider>('status')?.statusSource);
      let server: AdminServer | undefined;
      let offBus: (() => void) | undefined;
      let current = slice;
      const service: AdminService = {
        notify() {
          server?.notify();
        },
        async start() {
          metrics.configure(current.metrics);
          metrics.configReloaded(true);
          offBus = ctx.bus.on('config.reloaded', (e) => {
            metrics.configReloaded(e.ok);
          });
          server = await startAdminServer(current.admin, {
            source,
            metrics,
            log: ctx.log,
            ...(options.version === undefined ? {} : { version: options.version }),
          });
        },
        reload(next) {
          if (next.admin.host !== current.admin.host || next.admin.port !== current.admin.port) return false;
          server?.setToken(next.admin.token);
          metrics.configure(next.metrics);
          current = next;
          return true;
        },
        async stop() {
          offBus?.();
          await server?.close();
        },
      };
      return service;
    },
  });
}

/** The built-in admin plugin, over the process-wide metrics and the `status` service. */
export const adminPlugin = createAdminPlugin();
