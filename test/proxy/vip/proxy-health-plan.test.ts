import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadConfig } from '../../../src/config/load.js';
import '../../../src/config/readers.js';
import { formatDiagnostic } from '../../../src/core/diagnostic.js';
import { proxyHealthPlan, withProxyHealthTracks } from '../../../src/proxy/vip/proxy-health-refs.js';
import { vipListenConfigOf } from '../../../src/proxy/vip/vip-service.js';
import { processTrackerPlugin, scriptTrackerPlugin } from '../../../plugins/keepalived-trackers/index.js';

const dir = mkdtempSync(join(tmpdir(), 'tandem-vb-plan-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

function load(keepalived: string, nginx: string, tandem = '') {
  const files = { k: join(dir, `k${++n}.conf`), x: join(dir, `n${n}.conf`), t: join(dir, `t${n}.conf`) };
  writeFileSync(files.k, keepalived);
  writeFileSync(files.x, nginx);
  writeFileSync(files.t, `keepalived ${files.k};\nnginx ${files.x};\n${tandem}`);
  const loaded = loadConfig({ tandemFile: files.t });
  assert.ok(loaded.model, loaded.diagnostics.map(formatDiagnostic).join('\n'));
  return loaded.model;
}

const instance = (name: string, vrid: number, vip: string, extra = '') => `
vrrp_instance ${name} {
  state BACKUP
  interface eth0
  virtual_router_id ${vrid}
  priority 100
  virtual_ipaddress {
    ${vip}
  }
  ${extra}
}`;

const http = (...listens: string[]) =>
  `events {}\nhttp {\n${listens.map((l) => `  server { listen ${l}; return 200 ok; }`).join('\n')}\n}\n`;

describe('proxyHealthPlan: where the proxy health tracker applies', () => {
  it('attaches implicitly to the instances whose VIPs the proxy listens on, with FAULT by default', () => {
    const m = load(
      instance('VI_1', 51, '198.51.100.100/24') + instance('VI_2', 52, '203.0.113.100/24'),
      http('198.51.100.100:80'),
    );
    const plan = proxyHealthPlan(m);
    assert.deepEqual([...plan.implicit], [['VI_1', 'proxy_health(VI_1)']]);
    assert.deepEqual(plan.replaced, []);
    const k = withProxyHealthTracks(m);
    const refs = k?.vrrpInstances.map((i) => i.trackScripts.map((r) => [r.name, r.weight]));
    assert.deepEqual(refs, [[['proxy_health(VI_1)', 0]], []]);
  });

  it('a wildcard listen serves every VIP; tandem.conf sets the weight or turns it off', () => {
    const k = instance('VI_1', 51, '198.51.100.100/24') + instance('VI_2', 52, '203.0.113.100/24');
    const weighted = load(k, http('80'), 'proxy_health { weight -30; }');
    assert.deepEqual(
      withProxyHealthTracks(weighted)?.vrrpInstances.map((i) => i.trackScripts.map((r) => r.weight)),
      [[-30], [-30]],
    );
    const off = load(k, http('80'), 'proxy_health { track off; }');
    assert.equal(proxyHealthPlan(off).implicit.size, 0);
  });

  it('answers a pidof nginx vrrp_script instead of running it, keeping its weight on the instance', () => {
    const k =
      'vrrp_script chk_nginx {\n  script "/usr/bin/pidof nginx"\n  interval 2\n  weight -20\n}\n' +
      'vrrp_script chk_app {\n  script "/bin/true"\n}\n' +
      instance('VI_1', 51, '198.51.100.100/24', 'track_script {\n    chk_nginx\n    chk_app\n  }');
    const m = load(k, http('198.51.100.100:80'));
    const plan = proxyHealthPlan(m);
    assert.deepEqual(plan.replaced, ['chk_nginx']);
    assert.equal(plan.implicit.size, 0, 'the operator’s own check already tracks it');
    assert.deepEqual(vipListenConfigOf(m)?.replaced, ['chk_nginx']);
    // The script tracker runs only the scripts left to run.
    assert.deepEqual(
      scriptTrackerPlugin.select(m)?.scripts.map((s) => s.name),
      ['chk_app'],
    );
    const run = load(k, http('198.51.100.100:80'), 'proxy_health { nginx_checks run; }');
    assert.deepEqual(proxyHealthPlan(run).replaced, []);
    assert.deepEqual(
      scriptTrackerPlugin.select(run)?.scripts.map((s) => s.name),
      ['chk_nginx', 'chk_app'],
    );
  });

  it('answers a vrrp_track_process that watches nginx, and runs the others', () => {
    const k =
      'vrrp_track_process proc_nginx {\n  process /usr/sbin/nginx\n  weight -20\n}\n' +
      'vrrp_track_process proc_app {\n  process app\n}\n' +
      instance('VI_1', 51, '198.51.100.100/24', 'track_process {\n    proc_nginx\n    proc_app\n  }');
    const m = load(k, http('198.51.100.100:80'));
    const plan = proxyHealthPlan(m);
    assert.deepEqual(plan.replacedProcesses, ['proc_nginx']);
    assert.equal(plan.implicit.size, 0);
    assert.deepEqual(
      processTrackerPlugin.select(m)?.processes.map((p) => p.name),
      ['proc_app'],
    );
  });

  it('does nothing without a proxy: -P, or no nginx.conf listening', () => {
    const k =
      'vrrp_script chk_nginx {\n  script "pidof nginx"\n}\n' + instance('VI_1', 51, '198.51.100.100/24');
    const m = load(k, http('198.51.100.100:80'));
    const vrrpOnly = { ...m, tandem: { ...m.tandem, vrrpOnly: true } };
    assert.deepEqual(proxyHealthPlan(vrrpOnly).replaced, []);
    assert.equal(proxyHealthPlan(vrrpOnly).implicit.size, 0);
    assert.equal(vipListenConfigOf(vrrpOnly), undefined);
    const noNginx = { tandem: m.tandem, ...(m.keepalived ? { keepalived: m.keepalived } : {}) };
    assert.equal(vipListenConfigOf(noNginx), undefined);
  });
});

describe('tandem.conf proxy_health', () => {
  it('reports bad values at their location', () => {
    const t = join(dir, 'bad.conf');
    writeFileSync(
      t,
      'proxy_health {\n  weight -300;\n  nginx_checks maybe;\n  interval 5x;\n  colour red;\n}\n',
    );
    const loaded = loadConfig({ tandemFile: t });
    assert.equal(loaded.model, undefined);
    assert.deepEqual(loaded.diagnostics.map(formatDiagnostic), [
      `${t}:2:10: weight "-300" is not in -253..253`,
      `${t}:3:16: "maybe" is not replace or run`,
      `${t}:4:12: interval "5x" is not 100ms..1h`,
      `${t}:5:3: unknown directive "colour" in proxy_health`,
    ]);
  });
});
