import type { Socket } from 'node:net';
import type { Diagnostic } from '../../core/diagnostic.js';
import { compileServers, type CompiledServer, type HttpProxyOptions } from './compile.js';
import type { ClientRequest } from './client-request.js';
import type { ClientResponse } from './client-response.js';
import { defaultSignature, sendPage } from './error-pages.js';
import { HttpListener } from './http-listener.js';
import type { KeepalivePool } from './keepalive-pool.js';
import { logOnClose, UpstreamTrail, type AccessLogSink } from './access-log.js';
import { ProxyRequest } from './proxy-request.js';
import { sendReturn } from './return-directive.js';
import { planListeners, type ListenPlan } from './listen-plan.js';
import { normalizeHost } from './server-name.js';
import { parseTarget, upstreamUri } from './uri.js';
import type { RequestVars } from './variables.js';
import { locatedBindError } from '../vip/bind-error.js';
import type { ListenerGate } from '../vip/listener-gate.js';

/** A planned socket, once bound. */
interface Listener extends ListenPlan<CompiledServer> {
  server?: HttpListener | undefined;
  /** Failed accept() calls (EMFILE...), for the proxy health tracker. */
  acceptErrors?: { count: number; last: unknown };
  /** The `frontend` metrics label, `http:HOST:PORT` as in `listen`; made once, read per request. */
  frontend?: string;
}

/** A bound address: what was asked for and the port the kernel gave (for `listen 127.0.0.1:0`). */
export interface BoundAddress {
  readonly host: string;
  readonly requestedPort: number;
  readonly port: number;
}

/**
 * The HTTP data path: the listening sockets of the server blocks (see {@link planListeners}),
 * virtual-server and location selection, `return`, and proxying via {@link ProxyRequest}.
 */
export class HttpProxy {
  readonly #listeners: Listener[];
  readonly #pools: KeepalivePool[];
  readonly #signature: string;
  readonly #accessLog: AccessLogSink | undefined;
  readonly #connections: HttpProxyOptions['connections'];
  readonly #tunnels = new Set<Socket>();
  /** The connection counter attached to each server, so a hand-over removes exactly that one. */
  readonly #counting = new Map<HttpListener, (socket: Socket) => void>();
  /** Sockets handed to a successor on reload, in case it fails to start and gives them back. */
  readonly #released = new Map<HttpListener, Listener>();
  /** Sockets closed when their VRRP instance left MASTER; their connections still finish. */
  readonly #retired = new Set<HttpListener>();
  /** Unregister functions of the listeners handed to a {@link ListenerGate}. */
  readonly #gated: (() => void)[] = [];
  #draining = false;

  private constructor(
    listeners: Listener[],
    pools: KeepalivePool[],
    signature: string,
    accessLog: AccessLogSink | undefined,
    connections: HttpProxyOptions['connections'],
  ) {
    this.#accessLog = accessLog;
    this.#connections = connections;
    this.#listeners = listeners;
    this.#pools = pools;
    this.#signature = signature;
  }

  /** Compiles the server blocks; returns the diagnostics found (errors leave parts out). */
  static create(opts: HttpProxyOptions): { proxy: HttpProxy; diagnostics: Diagnostic[] } {
    const { servers, pools, diagnostics } = compileServers(opts);
    const { plans, diagnostics: listenDiagnostics } = planListeners(servers);
    diagnostics.push(...listenDiagnostics);
    const listeners: Listener[] = plans.map((p) => ({ ...p }));
    return {
      proxy: new HttpProxy(
        listeners,
        pools,
        opts.signature ?? defaultSignature,
        opts.accessLog,
        opts.connections,
      ),
      diagnostics,
    };
  }

  /**
   * Binds every listener; rejects with the socket error (EADDRINUSE…, located at the `listen`
   * directive) and closes what was bound. With `previous` (a reload), listening sockets on the same
   * address are taken over instead of bound anew, so no connection is refused in between; kept-alive
   * client connections go on with the new configuration for their next request, and requests in
   * progress finish on the old one. With a `gate`, a listener on a VIP that cannot be bound now is
   * left to the gate, which binds it while the VIP's instance is MASTER (docs/vip-listeners.md).
   */
  async listen(previous?: HttpProxy, gate?: ListenerGate): Promise<void> {
    const adopted: { from: HttpProxy; server: HttpListener }[] = [];
    try {
      for (const l of this.#listeners) {
        const server = previous === undefined ? undefined : previous.#release(l);
        if (server !== undefined) {
          adopted.push({ from: previous as HttpProxy, server });
          this.#attach(l, server);
        } else if (gate?.modeOf(l.host).kind !== 'follow') {
          await this.#bind(l).catch((err: unknown) => {
            throw locatedBindError(l.host, l.port, err, l.loc);
          });
        }
      }
    } catch (err) {
      // Give taken sockets back, so a failed reload leaves the running proxy whole.
      for (const a of adopted) a.from.#reclaim(a.server);
      for (const l of this.#listeners) if (adopted.some((a) => a.server === l.server)) l.server = undefined;
      await this.close();
      throw err;
    }
    if (gate !== undefined) for (const l of this.#listeners) this.#gated.push(gate.add(this.#gateHandle(l)));
  }

  /** The gate's handle on one listener: bind a fresh socket, or stop accepting on it. */
  #gateHandle(l: Listener) {
    return {
      name: `http:${l.host}:${l.port}`,
      host: l.host,
      port: l.port,
      bind: () => this.#bind(l),
      release: () => {
        const server = l.server;
        if (server === undefined) return;
        l.server = undefined;
        this.#retired.add(server);
        server.close(() => this.#retired.delete(server));
        server.closeIdleConnections();
      },
      listening: () => l.server?.listening === true,
      acceptErrors: () => l.acceptErrors ?? { count: 0, last: undefined },
    };
  }

  /** Hands the listening socket for `want`'s address to a successor, detached from this proxy. */
  #release(want: Listener): HttpListener | undefined {
    const mine = this.#listeners.find(
      (l) =>
        l.server !== undefined &&
        l.host === want.host &&
        l.port === want.port &&
        l.ipv6Only === want.ipv6Only,
    );
    const server = mine?.server;
    if (mine === undefined || server === undefined) return undefined;
    mine.server = undefined;
    this.#released.set(server, mine);
    server.handler = undefined;
    // Only our counter: the listener's own 'connection' listener is what serves HTTP on the socket.
    const counting = this.#counting.get(server);
    if (counting !== undefined) server.server.removeListener('connection', counting);
    this.#counting.delete(server);
    return server;
  }

  /** Takes back a socket handed to a successor whose start failed. */
  #reclaim(server: HttpListener): void {
    const l = this.#released.get(server);
    if (l === undefined) return;
    this.#released.delete(server);
    this.#attach(l, server);
  }

  /**
   * The first phase of a graceful stop (nginx's graceful QUIT stops keep-alive the same way): every
   * response from now on, and every one not yet started, carries `Connection: close`, so each busy
   * keep-alive connection closes cleanly after its next response. Connections still idle after
   * `idleGraceMs` are closed then: closing an idle connection races with a request the client may be
   * writing on it at that instant (the client sees a reset), so the active ones are given the time to
   * close in-band first. Listeners stay open and new connections are still served (one request
   * each), so clients that reach this host while the VIP moves are served rather than refused.
   * Resolves once the idle connections are closed.
   */
  async drain(idleGraceMs = 0): Promise<void> {
    if (this.#draining) return;
    this.#draining = true;
    for (const l of this.#listeners) l.server?.stopKeepAlive();
    if (idleGraceMs > 0) await new Promise((resolve) => setTimeout(resolve, idleGraceMs));
    for (const l of this.#listeners) l.server?.closeIdleConnections();
  }

  /** The bound addresses, in listener order. */
  addresses(): BoundAddress[] {
    return this.#listeners.map((l) => ({
      host: l.host,
      requestedPort: l.port,
      port: l.server?.address()?.port ?? l.port,
    }));
  }

  /**
   * Stops accepting and closes idle client connections and cached upstream connections. In-flight
   * requests and WebSocket tunnels get `graceMs` to finish (nginx's graceful shutdown on reload or
   * QUIT); whatever remains after that is closed.
   */
  async close(graceMs = 0): Promise<void> {
    for (const off of this.#gated.splice(0)) off();
    for (const p of this.#pools) p.close();
    const servers = this.#listeners.flatMap((l) => (l.server === undefined ? [] : [l.server]));
    servers.push(...this.#retired);
    this.#retired.clear();
    for (const l of this.#listeners) l.server = undefined;
    const closed = Promise.all(
      servers.map(
        (s) =>
          new Promise<void>((resolve) => {
            s.close(() => {
              resolve();
            });
            s.closeIdleConnections();
          }),
      ),
    );
    if (graceMs > 0) {
      let timer: NodeJS.Timeout | undefined;
      const tunnelsDone = new Promise<void>((resolve) => {
        const check = (): void => {
          if (this.#tunnels.size === 0) resolve();
          else timer = setTimeout(check, 50);
        };
        check();
      });
      await Promise.race([
        Promise.all([closed, tunnelsDone]),
        new Promise((resolve) => (timer = setTimeout(resolve, graceMs))),
      ]);
      clearTimeout(timer);
    }
    for (const s of servers) s.closeAllConnections();
    for (const t of this.#tunnels) t.destroy();
    await closed;
  }

  #bind(l: Listener): Promise<void> {
    // nginx: keepalive_timeout 75s, client_header_timeout 60s; no whole-request deadline.
    const listener = new HttpListener(this.#signature);
    const server = listener.server;
    this.#attach(l, listener);
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => {
        // A failed bind leaves no socket: the listener is unbound, not half-attached.
        if (l.server === listener) l.server = undefined;
        reject(err);
      };
      server.once('error', onError);
      server.listen({ port: l.port, host: l.host, ipv6Only: l.ipv6Only }, () => {
        server.removeListener('error', onError);
        // Node emits a failed accept() (EMFILE, ENFILE) as 'error': unhandled, it would end the
        // daemon; counted, it turns the proxy health tracker down.
        server.on('error', (err) => {
          const prev = l.acceptErrors?.count ?? 0;
          l.acceptErrors = { count: prev + 1, last: err };
        });
        resolve();
      });
    });
  }

  /** Makes `listener` serve listener `l`'s virtual servers. */
  #attach(l: Listener, listener: HttpListener): void {
    l.server = listener;
    listener.draining = this.#draining;
    const frontend = (l.frontend ??= `http:${l.host}:${l.port}`);
    const counter = this.#connections;
    if (counter !== undefined) {
      const counting = (socket: Socket): void => {
        counter.opened(frontend);
        socket.once('close', () => {
          counter.closed(frontend, socket.bytesRead, socket.bytesWritten);
        });
      };
      this.#counting.set(listener, counting);
      listener.server.on('connection', counting);
    }
    listener.handler = (req, res) => {
      this.#handle(l, req, res);
    };
  }

  #handle(l: Listener, req: ClientRequest, res: ClientResponse): void {
    if (req.upgrade) {
      // A tunnelled socket leaves its listener's connection tracking; close() must still reach it.
      const socket = req.socket;
      this.#tunnels.add(socket);
      socket.once('close', () => this.#tunnels.delete(socket));
    }
    const vhosts = l.byAddress.size > 0 ? (l.byAddress.get(req.socket.localAddress ?? '') ?? l.any) : l.any;
    const hostHeader = req.host;
    const server = vhosts.find(hostHeader);
    const target = parseTarget(req.url);
    const host = hostHeader === undefined ? '' : normalizeHost(hostHeader);
    const proxied = server !== undefined && target.uri !== undefined;
    const loc = proxied ? server.locations.find(target.uri) : undefined;
    const trail = loc?.route === undefined ? undefined : new UpstreamTrail();
    logOnClose(this.#accessLog, res, host, trail, l.frontend ?? '');
    if (server === undefined || target.uri === undefined) {
      sendPage(res, 400, this.#signature);
      return;
    }
    const pass = loc?.params.proxyPass;
    const vars: RequestVars = {
      req,
      host: host === '' ? server.name : host,
      uri: target.uri,
      args: target.args,
      proxyHost: pass === undefined ? '' : proxyHostOf(pass.upstream),
      serverName: server.name,
    };
    if (loc?.returnText !== undefined && loc.params.return !== undefined) {
      sendReturn(res, loc.params.return.code, loc.returnText, vars, this.#signature);
      return;
    }
    if (loc?.route === undefined || pass === undefined || trail === undefined) {
      sendPage(res, 404, this.#signature);
      return;
    }
    const uri = upstreamUri(req.url, target.uri, target.args, loc.params.path, loc.prefixMatch, pass.uri);
    new ProxyRequest(loc.route, req, res, vars, uri, trail).start();
  }
}

/** `$proxy_host`: the upstream name, or `host:port` with the default port 80 left out. */
export function proxyHostOf(upstream: string): string {
  return upstream.endsWith(':80') ? upstream.slice(0, -3) : upstream;
}
