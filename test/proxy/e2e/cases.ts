/**
 * The end-to-end differential's cases (issue 8 "Tests"; reference/nginx.md §5 and §6.5): each is an
 * `upstream` block and a `location /NAME/` in the one nginx.conf both engines run, and a request
 * sequence. Backend behaviour comes from the query (see `backends.ts`); `{a}` in a server line is
 * backend a's address. Live backends are a–d; x and y are dead (connection refused).
 */

/** One step: a request, a release of every held request, or a pause (ms). */
export type Step =
  | {
      /** Query string without `?`, for the backends' behaviour and hash keys. */
      readonly q?: string;
      readonly method?: 'GET' | 'POST';
      /** Client source address (127.a.b.c); 127.0.0.1 by default. */
      readonly from?: string;
      /** Don't wait for the answer: a backend holds it until a release step. */
      readonly hold?: boolean;
    }
  | { readonly release: true }
  | { readonly pause: number };

/** How the two engines' results are compared. */
export type Compare = 'exact' | 'random';

/** One case: its upstream body, extra location directives and the steps. */
export interface E2eCase {
  readonly name: string;
  readonly upstream: readonly string[];
  readonly location?: readonly string[];
  readonly steps: readonly Step[];
  /** `random`: nginx seeds random() per worker, so only invariants are compared (reference §1.7). */
  readonly compare?: Compare;
  /** A known difference from nginx, still run and reported as a todo until it is fixed. */
  readonly todo?: string;
}

export const LIVE = ['a', 'b', 'c', 'd'];
export const DEAD = ['x', 'y'];

const get = (n: number, q?: string): Step[] =>
  Array.from({ length: n }, () => (q === undefined ? {} : { q }));

const NU_5XX = 'proxy_next_upstream error timeout http_500 http_502 http_503 http_504 http_429;';

/** ip_hash clients: the first three octets vary (only a.b.c is hashed). */
const clients = (n: number): Step[] =>
  Array.from({ length: n }, (_, i) => ({ from: `127.${1 + (i % 7)}.${(i * 37) % 251}.${2 + (i % 3)}` }));

const keys = (n: number): Step[] => Array.from({ length: n }, (_, i) => ({ q: `k=key${i * 7919}` }));

/** Every case, in the order they run (each has its own upstream, so they do not interact). */
export const CASES: readonly E2eCase[] = [
  // Smooth weighted round robin (reference §1.1).
  { name: 'w511', upstream: ['server {a} weight=5;', 'server {b};', 'server {c};'], steps: get(14) },
  { name: 'w12', upstream: ['server {a};', 'server {b} weight=2;'], steps: get(9) },
  {
    name: 'w33',
    upstream: ['server {a} weight=3;', 'server {b} weight=3;', 'server {c} weight=3;'],
    steps: get(9),
  },
  { name: 'down', upstream: ['server {a};', 'server {b} down;', 'server {c};'], steps: get(6) },
  // A dead middle peer, the retry inside the request, then its exclusion.
  { name: 'deadmid', upstream: ['server {a};', 'server {x};', 'server {b};'], steps: get(8) },
  // Backup: used only when every primary is dead, down or full.
  {
    name: 'backup',
    upstream: ['server {x};', 'server {y};', 'server {b} backup;', 'server {c} backup;'],
    steps: get(5),
  },
  { name: 'backupdown', upstream: ['server {a} down;', 'server {b} backup;'], steps: get(3) },
  // A single peer is never disabled: an error is a 502, the next request goes to it again.
  { name: 'single', upstream: ['server {a};'], steps: [...get(1, 'a=close'), ...get(2), ...get(1, 'a=500')] },
  // upstream.t: a drops every 3rd connection; max_fails=3 counts failures spread out over time.
  {
    name: 'upstreamt',
    upstream: ['server {a} max_fails=3 fail_timeout=10s;', 'server {b} max_fails=3 fail_timeout=10s;'],
    steps: get(30, 'a=close3'),
  },
  // The effective-weight dip of a 500 and its recovery (reference §1.1).
  {
    name: 'effdip',
    upstream: ['server {a} weight=3 max_fails=3;', 'server {b} weight=3;'],
    location: [NU_5XX],
    steps: [...get(1, 'a=500'), ...get(10)],
  },
  // A failing peer, excluded for fail_timeout=1s, then probed once and recovered (aligned by
  // pausing well past the whole-second window rather than racing its boundary).
  {
    name: 'recover',
    upstream: ['server {a} fail_timeout=1s;', 'server {c} fail_timeout=1s;'],
    steps: [
      ...get(2, 'c=close'),
      ...get(3),
      { pause: 2300 },
      ...get(4),
      ...get(2, 'c=close'),
      ...get(2),
      { pause: 2300 },
      ...get(4),
    ],
  },
  // proxy_next_upstream, condition by condition (reference §2).
  {
    name: 'nuerror',
    upstream: ['server {a} max_fails=0;', 'server {b} max_fails=0;'],
    steps: [...get(2, 'a=close'), ...get(1, 'all=close'), ...get(2)],
  },
  {
    name: 'nutimeout',
    upstream: ['server {a} max_fails=0;', 'server {b} max_fails=0;'],
    location: ['proxy_read_timeout 300ms;'],
    steps: [...get(2, 'a=stall'), ...get(1, 'all=stall'), ...get(1)],
  },
  {
    name: 'nunotimeout',
    upstream: ['server {a};', 'server {b};'],
    location: ['proxy_read_timeout 300ms;', 'proxy_next_upstream error;'],
    steps: [...get(1, 'a=stall'), ...get(3)],
  },
  {
    name: 'nuinvalid',
    upstream: ['server {a} max_fails=0;', 'server {b} max_fails=0;'],
    location: ['proxy_next_upstream error invalid_header;'],
    steps: [...get(2, 'a=bad'), ...get(1, 'all=bad')],
  },
  {
    name: 'ctlheader',
    upstream: ['server {a} max_fails=0;', 'server {b} max_fails=0;'],
    steps: [...get(1, 'a=ctl'), ...get(2)],
  },
  { name: 'nuinvalid0', upstream: ['server {a};', 'server {b};'], steps: [...get(1, 'a=bad'), ...get(3)] },
  {
    name: 'nu5xx',
    upstream: ['server {a} max_fails=0;', 'server {b} max_fails=0;'],
    location: [NU_5XX],
    steps: ['500', '502', '503', '504', '429'].flatMap((s) => [...get(2, `a=${s}`), ...get(1, `all=${s}`)]),
  },
  // Both answer 500: the last try passes B's 500 through; A is then disabled, so the next request
  // tries B, gets 500, finds no live peer and answers 502 (ua "B, u").
  {
    name: 'nu500both',
    upstream: ['server {a};', 'server {b};'],
    location: ['proxy_next_upstream error http_500;'],
    steps: [...get(2, 'all=500'), ...get(1)],
  },
  {
    name: 'nu5xxoff',
    upstream: ['server {a};', 'server {b};'],
    steps: [...get(2, 'a=500'), ...get(2, 'a=502')],
  },
  // 403/404 retry but never count toward max_fails.
  {
    name: 'nu4xx',
    upstream: ['server {a};', 'server {b};'],
    location: ['proxy_next_upstream http_403 http_404;'],
    steps: [...get(2, 'a=404'), ...get(2, 'a=403'), ...get(2), ...get(1, 'all=404')],
  },
  {
    name: 'nu404down',
    upstream: ['server {a};', 'server {b} down;'],
    location: ['proxy_next_upstream http_404;'],
    steps: get(2, 'all=404'),
  },
  {
    name: 'nuoff',
    upstream: ['server {a};', 'server {b};'],
    location: ['proxy_next_upstream off;'],
    steps: [...get(1, 'a=close'), ...get(3)],
  },
  // POST: not retried once sent unless non_idempotent; a refused connect is always retried.
  {
    name: 'nupost',
    upstream: ['server {x};', 'server {a} max_fails=0;', 'server {b} max_fails=0;'],
    steps: [
      { method: 'POST', q: 'a=close' },
      { method: 'POST', q: 'a=close' },
      { method: 'POST' },
      { method: 'POST', q: 'b=close' },
    ],
  },
  {
    name: 'nupostni',
    upstream: ['server {a} max_fails=0;', 'server {b} max_fails=0;'],
    location: ['proxy_next_upstream error non_idempotent;'],
    steps: [
      { method: 'POST', q: 'a=close' },
      { method: 'POST', q: 'a=close' },
    ],
  },
  // proxy_next_upstream_tries.t and the time budget.
  {
    name: 'nutries2',
    upstream: ['server {a};', 'server {b};', 'server {c};'],
    location: ['proxy_next_upstream http_404;', 'proxy_next_upstream_tries 2;'],
    steps: get(2, 'all=404'),
  },
  {
    name: 'nutries0',
    upstream: ['server {a};', 'server {b};', 'server {c};'],
    location: ['proxy_next_upstream http_404;'],
    steps: get(2, 'all=404'),
  },
  {
    name: 'nutriesbk',
    upstream: ['server {a};', 'server {b} backup;', 'server {c} backup;'],
    location: ['proxy_next_upstream http_404;', 'proxy_next_upstream_tries 2;'],
    steps: get(1, 'all=404'),
  },
  {
    name: 'nubudget',
    upstream: ['server {a} max_fails=0;', 'server {b} max_fails=0;', 'server {c} max_fails=0;'],
    // Attempts end at ~600 ms (< 900: retried) and ~1200 ms (spent): 300 ms margins either way.
    location: ['proxy_read_timeout 600ms;', 'proxy_next_upstream_timeout 900ms;'],
    steps: get(1, 'all=stall'),
  },
  // Upstream keep-alive does not change selection (reference §1.8); connections are reused.
  {
    name: 'keepalive',
    upstream: ['server {a};', 'server {b} weight=2;', 'keepalive 2;'],
    location: ['proxy_http_version 1.1;', 'proxy_set_header Connection "";'],
    steps: [...get(6), ...get(1, 'b=close'), ...get(5)],
  },
  // The usual proxy_set_header lines: the heads the backends receive are compared too.
  {
    name: 'setheaders',
    upstream: ['server {a};', 'server {b};'],
    location: [
      'proxy_set_header Host $host;',
      'proxy_set_header X-Real-IP $remote_addr;',
      'proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;',
      'proxy_set_header X-Key $arg_k;',
    ],
    steps: [{ from: '127.9.8.7', q: 'k=1' }, { from: '127.1.2.3' }, { q: 'k=x&a=500' }],
  },
  // ip_hash over 200 client addresses, and with a down peer.
  {
    name: 'iphash',
    upstream: ['ip_hash;', 'server {a};', 'server {b};', 'server {c};'],
    steps: clients(200),
  },
  {
    name: 'iphashdown',
    upstream: ['ip_hash;', 'server {a};', 'server {b} down;', 'server {c};', 'server {d};'],
    steps: clients(60),
  },
  // hash and consistent hash over 200 keys with a dead peer (the rehash chain), an empty key (RR).
  {
    name: 'hash',
    upstream: ['hash $arg_k;', 'server {a};', 'server {x};', 'server {b};', 'server {c};'],
    steps: [...keys(200), ...get(4)],
  },
  {
    name: 'chash',
    upstream: [
      'hash $arg_k consistent;',
      'server {a};',
      'server {b} weight=2;',
      'server {x};',
      'server {c};',
    ],
    steps: [...keys(200), ...get(4)],
  },
  // least_conn with a held connection (upstream_least_conn.t).
  {
    name: 'leastconn',
    upstream: ['least_conn;', 'server {a};', 'server {b};', 'server {c} weight=2;'],
    steps: [
      ...get(6),
      { q: 'a=hang', hold: true },
      { q: 'c=hang', hold: true },
      ...get(6),
      { release: true },
      ...get(4),
    ],
  },
  // max_conns (upstream_max_conns.t): full peers are skipped, a full single peer is "no live upstreams".
  {
    name: 'maxconns',
    upstream: ['server {a} max_conns=1;', 'server {b};'],
    steps: [{ q: 'all=hang', hold: true }, ...get(3), { release: true }, ...get(2)],
  },
  {
    name: 'maxconns1',
    upstream: ['server {a} max_conns=1;'],
    steps: [{ q: 'a=hang', hold: true }, ...get(2), { release: true }, ...get(1)],
  },
  {
    name: 'maxconnsbk',
    upstream: ['server {a} max_conns=1;', 'server {b} backup max_conns=1;'],
    steps: [
      { q: 'all=hang', hold: true },
      { q: 'all=hang', hold: true },
      ...get(1),
      { release: true },
      ...get(2),
    ],
  },
  // random: invariants only (reference §1.7).
  {
    name: 'random',
    upstream: ['random;', 'server {a};', 'server {b};', 'server {c} down;'],
    steps: get(40),
    compare: 'random',
  },
  {
    name: 'random2',
    upstream: ['random two least_conn;', 'server {a};', 'server {b};'],
    steps: [{ q: 'all=hang', hold: true }, ...get(10), { release: true }],
    compare: 'random',
  },
];
