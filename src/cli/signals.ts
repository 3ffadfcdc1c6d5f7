import { messageOf } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { Daemon } from './daemon.js';

/**
 * Wires the daemon to the signals operators send (keepalived `vrrp_daemon.c`, nginx's master):
 * SIGHUP reloads; SIGTERM, SIGINT and SIGQUIT stop gracefully, and a second one forces the exit.
 * Resolves with the exit code once the daemon has stopped.
 */
export function installSignalHandlers(daemon: Daemon, log: Logger): Promise<number> {
  return new Promise((resolve) => {
    let stopping = false;
    const onStop = (signal: NodeJS.Signals) => {
      if (stopping) {
        log.warn(`${signal} received again; exiting now`);
        process.exit(1);
      }
      stopping = true;
      log.info(`Stopping (${signal})`);
      daemon.stop(signal).then(
        () => {
          log.info('Stopped');
          resolve(0);
          // Stopped means stopped: a handle a plugin failed to close must not keep the process alive
          // (systemd would wait for TimeoutStopSec). Exit once the log has had a moment to flush.
          setTimeout(() => process.exit(process.exitCode ?? 0), 1_000).unref();
        },
        (err: unknown) => {
          log.error(`stop failed: ${messageOf(err)}`);
          resolve(1);
          setTimeout(() => process.exit(1), 1_000).unref();
        },
      );
    };
    process.on('SIGTERM', onStop);
    process.on('SIGINT', onStop);
    process.on('SIGQUIT', onStop);
    process.on('SIGHUP', () => {
      void daemon.reload();
    });
    // A bug in one handler must not take the VIPs down with it: log and keep serving.
    process.on('uncaughtException', (err) => {
      log.error(`internal error: ${err.stack ?? err.message}`);
    });
    process.on('unhandledRejection', (err) => {
      log.error(`internal error (promise): ${messageOf(err)}`);
    });
  });
}
