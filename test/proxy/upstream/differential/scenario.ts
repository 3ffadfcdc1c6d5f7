import type { MethodOptions, NextUpstreamParams, ServerParams } from '../../../../src/index.js';

/**
 * What a backend does with one request: answer 200, answer with a status, close the connection
 * without a reply, hold until released (then 200), or never answer (nginx's read timeout fires).
 */
export type Action = 'ok' | 'close' | 'hang' | 'timeout' | number;

/** A backend's behaviour from the request path and how many requests it has received (1-based). */
export type Behaviour = (path: string, n: number) => Action;

/** A named backend; `dead` is a port with nothing listening (connection refused). */
export interface BackendSpec {
  readonly id: string;
  readonly dead?: boolean;
  readonly behaviour?: Behaviour;
}

/** One `server` line of the upstream: which backend, with which parameters. */
export interface ServerSpec {
  readonly backend: string;
  readonly params?: Partial<Omit<ServerParams, 'name' | 'address'>>;
}

/** One client request, a release of every held request, or a pause. */
export type Step =
  | {
      readonly path: string;
      readonly method?: 'GET' | 'POST';
      /** Source address 127.x.y.z (ip_hash); 127.0.0.1 by default. */
      readonly from?: string;
      /** Do not wait for the answer: the backend holds it (`hang`) until a release step. */
      readonly hold?: boolean;
    }
  | { readonly release: true }
  | { readonly pause: number };

/** A differential case: one upstream, one location, one request sequence. */
export interface Scenario {
  readonly name: string;
  readonly backends: readonly BackendSpec[];
  readonly servers: readonly ServerSpec[];
  /** `round_robin` (no directive), `ip_hash`, `hash`, `least_conn`, `random`. */
  readonly method?: string;
  /** `key` is the nginx variable: `$request_uri`, `$uri` or `$remote_addr`. */
  readonly options?: MethodOptions;
  readonly next?: Partial<NextUpstreamParams>;
  /** `proxy_read_timeout` in ms (the `timeout` action waits for it). */
  readonly readTimeout?: number;
  /** Keep steps away from second boundaries: the case depends on nginx's whole-second clock. */
  readonly timed?: boolean;
  readonly steps: readonly Step[];
}

/** What one request step produced, on either side. */
export interface Outcome {
  /** The backend that answered, or `-` when nginx generated the response. */
  readonly backend: string;
  readonly status: number;
  /** `$upstream_addr` with backend ids in place of ports. */
  readonly ua: string;
  /** `$upstream_status`. */
  readonly us: string;
}

/** Evaluates the hash key variable for a step (the proxy's job in production). */
export function hashKeyOf(key: string | undefined, path: string, from: string): string {
  switch (key ?? '') {
    case '$request_uri':
      return path;
    case '$uri':
      return path.split('?')[0] ?? '';
    case '$remote_addr':
      return from;
    case '$arg_a':
      return /[?&]a=([^&]*)/.exec(path)?.[1] ?? '';
    default:
      return '';
  }
}
