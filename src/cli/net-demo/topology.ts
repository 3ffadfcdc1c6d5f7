import type { Bridge, NetLab } from '../../net/netns-lab.js';

/** One Tandem node of the demo pair. */
export interface DemoNode {
  readonly name: 'lb1' | 'lb2';
  readonly ns: string;
  /** The node's own address on the LAN, the source of its VRRP adverts. */
  readonly address: string;
  readonly priority: number;
}

/** One demo backend: a tiny HTTP server that answers with its name. */
export interface DemoBackend {
  readonly name: 'web1' | 'web2';
  readonly ns: string;
  readonly address: string;
  readonly port: number;
}

/** The whole demo network, every namespace named `tdemo-<pid>-<role>`. */
export interface DemoTopology {
  readonly bridge: Bridge;
  readonly nodes: readonly [DemoNode, DemoNode];
  readonly backends: readonly [DemoBackend, DemoBackend];
  readonly client: { readonly ns: string; readonly address: string };
  /** The virtual IP the nodes share and the client talks to. */
  readonly vip: string;
  readonly vipPort: number;
}

/**
 * The addresses of examples/http-pair, so the demo runs that example's nginx.conf unchanged: the VIP
 * 198.51.100.10 on the client side, the backends 203.0.113.11 and .12 on port 8080. Everything sits
 * on one bridge (inside its own namespace, never on the host): the nodes hold an address in both
 * subnets, as a one-armed load balancer would.
 */
const plan = {
  vip: '198.51.100.10',
  vipPort: 80,
  nodes: [
    { name: 'lb1', lan: '198.51.100.1', inside: '203.0.113.1', priority: 150 },
    { name: 'lb2', lan: '198.51.100.2', inside: '203.0.113.2', priority: 100 },
  ],
  backends: [
    { name: 'web1', address: '203.0.113.11', port: 8080 },
    { name: 'web2', address: '203.0.113.12', port: 8080 },
  ],
  client: '198.51.100.100',
} as const;

/** The VIP and its port, known before the lab exists (for the configs). */
export const demoVip = { address: plan.vip, port: plan.vipPort } as const;

/**
 * Builds the namespaces, veths and addresses. The node namespaces get `net.ipv4.ip_nonlocal_bind=1`
 * so the backup's listener on the VIP can bind before it holds the address, as nginx deployments
 * beside keepalived do (Tandem can also bind on MASTER, which makes the sysctl unnecessary).
 */
export async function buildTopology(lab: NetLab): Promise<DemoTopology> {
  const bridge = await lab.addBridge('lan');
  const nodes = [] as DemoNode[];
  for (const n of plan.nodes) {
    const ns = await lab.addNamespace(n.name);
    await lab.attach(ns, 'eth0', bridge, [`${n.lan}/24`, `${n.inside}/24`]);
    const r = await lab.exec(ns, 'sysctl', ['-q', '-w', 'net.ipv4.ip_nonlocal_bind=1']);
    if (r.code !== 0) throw new Error(`sysctl net.ipv4.ip_nonlocal_bind=1 in ${ns}: ${r.stderr.trim()}`);
    nodes.push({ name: n.name, ns, address: n.lan, priority: n.priority });
  }
  const backends = [] as DemoBackend[];
  for (const b of plan.backends) {
    const ns = await lab.addNamespace(b.name);
    await lab.attach(ns, 'eth0', bridge, [`${b.address}/24`]);
    backends.push({ name: b.name, ns, address: b.address, port: b.port });
  }
  const clientNs = await lab.addNamespace('client');
  await lab.attach(clientNs, 'eth0', bridge, [`${plan.client}/24`]);
  const [lb1, lb2] = nodes;
  const [web1, web2] = backends;
  if (lb1 === undefined || lb2 === undefined || web1 === undefined || web2 === undefined)
    throw new Error('demo plan lost a node');
  return {
    bridge,
    nodes: [lb1, lb2],
    backends: [web1, web2],
    client: { ns: clientNs, address: plan.client },
    vip: plan.vip,
    vipPort: plan.vipPort,
  };
}
