import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fixture } from '../helpers/paths.js';
import httpCheckPlugin from '../../examples/custom-plugin/http-check.js';
import { loadConfig } from '../../src/config/load.js';
import '../../src/config/readers.js';
import { VirtualClock } from '../../src/core/clock.js';
import { formatDiagnostic } from '../../src/core/diagnostic.js';
import type { TrackerState } from '../../src/core/signal.js';
import { VrrpMachine } from '../../plugins/vrrp/machine.js';
import { trackedRefs, vrrpParamsOf } from '../../plugins/vrrp/service/params-from-model.js';
import { testContext, waitFor } from '../plugins/track-script/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'tandem-custom-tracker-'));
let health: Server | undefined;
after(async () => {
  await new Promise((r) => (health === undefined ? r(undefined) : health.close(r)));
  rmSync(dir, { recursive: true, force: true });
});

/**
 * VRRP needs root and namespaces, so this drives the real VRRP engine (the pure state machine the
 * daemon runs) with the real example tracker checking a real loopback URL, wired exactly as the
 * daemon wires them: the model from keepalived.conf + tandem.conf (`track VI_1 chk_app weight -20`),
 * `trackedRefs` to find what the instance follows, the tracker directory to subscribe to.
 */
describe('a plugin tracker attached to a VRRP instance from tandem.conf', () => {
  it('moves the instance priority by its weight like a vrrp_script, following a URL flipping 200/500', async () => {
    let status = 200;
    health = createServer((req, res) => {
      req.resume();
      res.statusCode = status;
      res.end();
    });
    await new Promise<void>((r) => health?.listen(0, '127.0.0.1', r));
    const port = (health.address() as AddressInfo).port;
    copyFileSync(fixture('custom-plugin', 'keepalived.conf'), join(dir, 'keepalived.conf'));
    writeFileSync(
      join(dir, 'tandem.conf'),
      `keepalived keepalived.conf;
http_check chk_app {
    url http://127.0.0.1:${port}/healthz;
    interval 50ms;
    timeout 40ms;
}
track VI_1 chk_app weight -20;
`,
    );
    const loaded = loadConfig({ tandemFile: join(dir, 'tandem.conf') });
    const k = loaded.model?.keepalived;
    assert.ok(
      loaded.model !== undefined && k !== undefined,
      loaded.diagnostics.map(formatDiagnostic).join('\n'),
    );
    assert.deepEqual(trackedRefs(k), [{ kind: 'script', name: 'chk_app' }]);
    const params = vrrpParamsOf(k, new Map([['VI_1', '198.51.100.2']]));
    assert.deepEqual(
      params.instances[0]?.trackers?.map((t) => [t.name, t.weight]),
      [['chk_app', -20]],
    );

    const t = testContext();
    const config = httpCheckPlugin.select(loaded.model);
    assert.ok(config !== undefined);
    const service = httpCheckPlugin.create(t.ctx, config);
    await service.init?.();
    const machine = new VrrpMachine(params, new VirtualClock(), () => undefined);
    const initial: Record<string, TrackerState> = {};
    for (const ref of trackedRefs(k)) {
      const signal = t.trackers.get(ref.kind, ref.name);
      assert.ok(signal !== undefined, `${ref.kind} ${ref.name} is published`);
      initial[ref.name] = signal.get();
      signal.subscribe((s) => machine.tracker(ref.name, s));
    }
    machine.start(initial);
    await service.start?.();
    const priority = () => machine.state.instances.VI_1?.effectivePriority;
    try {
      await waitFor(() => t.lines().some((l) => l.startsWith('http_check chk_app succeeded')), 3000, 'up');
      assert.equal(priority(), 100);
      status = 500;
      await waitFor(() => priority() === 80, 3000, 'priority 80 while the URL answers 500');
      assert.ok(t.lines().includes('http_check chk_app failed (status 500)'), t.lines().join('\n'));
      status = 200;
      await waitFor(() => priority() === 100, 3000, 'priority 100 again');
    } finally {
      await service.stop?.(new AbortController().signal);
    }
  });
});
