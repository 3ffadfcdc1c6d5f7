import {
  VirtualClock,
  createUpstream,
  hashPlugin,
  ipHashPlugin,
  leastConnPlugin,
  randomPlugin,
  roundRobinPlugin,
  seededRandom,
  serverParams,
  type MethodOptions,
  type PickInput,
  type Random,
  type ServerParams,
  type StrategyPlugin,
  type Upstream,
} from '../../src/index.js';

/** The built-in strategy plugins by method, as the kernel's registry will hold them. */
export const STRATEGY_PLUGINS: Readonly<Record<string, StrategyPlugin>> = {
  round_robin: roundRobinPlugin,
  ip_hash: ipHashPlugin,
  hash: hashPlugin,
  least_conn: leastConnPlugin,
  random: randomPlugin,
};

/** A server line for tests: `name` plus any parameters. */
export type TestServer = [string, Partial<Omit<ServerParams, 'name'>>?];

/** An upstream on a VirtualClock whose wall time starts at a whole second (1_700_000_000 s). */
export function testUpstream(
  method: string,
  servers: readonly (string | TestServer)[],
  options: MethodOptions = {},
  random: Random = seededRandom(1),
): { upstream: Upstream; clock: VirtualClock } {
  const clock = new VirtualClock(0, 1_700_000_000_000);
  const params = servers.map((s) => (typeof s === 'string' ? serverParams(s) : serverParams(s[0], s[1])));
  const plugin = STRATEGY_PLUGINS[method];
  if (plugin === undefined) throw new Error(`unknown method ${method}`);
  const upstream = createUpstream({ name: 'u', method, options, servers: params }, plugin, { clock, random });
  return { upstream, clock };
}

/** One complete request that succeeds on the first pick: the picked peer's name, or `-`. */
export function one(upstream: Upstream, input: PickInput = {}): string {
  const req = upstream.begin(input);
  const p = req.pick();
  req.free('ok');
  return p?.name ?? '-';
}

/** `n` successful requests, names joined. */
export function run(upstream: Upstream, n: number, input: PickInput = {}): string {
  let s = '';
  for (let i = 0; i < n; i++) s += one(upstream, input);
  return s;
}
