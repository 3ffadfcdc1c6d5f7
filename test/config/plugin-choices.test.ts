/** tandem.conf's plugin wiring: `plugin`, `balancer`, `track` and plugin-owned directives, with located errors. */
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fixture } from '../helpers/paths.js';
import eventLogPlugin from '../../examples/custom-plugin/event-log.js';
import fastestPlugin from '../../examples/custom-plugin/fastest-backend.js';
import httpCheckPlugin from '../../examples/custom-plugin/http-check.js';
import { loadConfig } from '../../src/config/load.js';
import '../../src/config/readers.js';
import { formatDiagnostic } from '../../src/core/diagnostic.js';
import { checkPluginConfig } from '../../src/core/plugin-setup.js';
import { PluginRegistry } from '../../src/core/registry.js';
import { builtinPlugins } from '../../plugins/index.js';

const dir = mkdtempSync(join(tmpdir(), 'tandem-plugin-choices-'));
after(() => {
  rmSync(dir, { recursive: true, force: true });
});
writeFileSync(
  join(dir, 'nginx.conf'),
  `events {}
http {
    upstream app {
        server 127.0.0.1:8081;
        server 127.0.0.1:8082 backup;
    }
    server { listen 127.0.0.1:8080; location / { proxy_pass http://app; } }
}
`,
);
copyFileSync(fixture('custom-plugin', 'keepalived.conf'), join(dir, 'keepalived.conf'));

/** Loads a tandem.conf with `body` (after the keepalived and nginx lines) and returns its messages. */
function load(name: string, body: string) {
  const file = join(dir, name);
  writeFileSync(file, `keepalived keepalived.conf;\nnginx nginx.conf;\n${body}`);
  const r = loadConfig({ tandemFile: file });
  return { ...r, file, messages: r.diagnostics.map(formatDiagnostic) };
}

function registry(): PluginRegistry {
  const r = new PluginRegistry();
  for (const p of [...builtinPlugins, fastestPlugin, httpCheckPlugin, eventLogPlugin]) r.register(p);
  return r;
}

describe('tandem.conf plugin wiring', () => {
  it('applies balancer and track to the operator files, and keeps plugin directives for their plugin', () => {
    const r = load(
      'ok.conf',
      'balancer app fastest;\ntrack VI_1 chk weight -20 reverse;\nhttp_check chk { url http://127.0.0.1:1/; }\n',
    );
    assert.deepEqual(r.messages, []);
    const model = r.model;
    assert.ok(model !== undefined);
    assert.equal(model.nginx?.http?.upstreams[0]?.pluginMethod, 'fastest');
    const refs = model.keepalived?.vrrpInstances[0]?.trackScripts.map((t) => [t.name, t.weight, t.reverse]);
    assert.deepEqual(refs, [['chk', -20, true]]);
    assert.deepEqual(
      (model.tandem.extensions ?? []).map((d) => d.name),
      ['http_check'],
    );
    assert.deepEqual(checkPluginConfig(model, registry()), []);
  });

  it('locates a balancer or track naming what the operator files do not have', () => {
    const r = load('refs.conf', 'balancer nope fastest;\ntrack VI_9 chk;\n');
    assert.equal(r.model, undefined);
    assert.deepEqual(r.messages, [
      `${r.file}:3:1: balancer nope: no upstream "nope" in ${join(dir, 'nginx.conf')}`,
      `${r.file}:4:1: track VI_9: no vrrp_instance VI_9 in ${join(dir, 'keepalived.conf')}`,
    ]);
    const w = load('weight.conf', 'track VI_1 chk weight 300;\n');
    assert.deepEqual(w.messages, [`${w.file}:3:23: weight 300 must be in -253..253`]);
  });

  it('checks plugin directives and methods against the loaded plugins, located', () => {
    const r = load(
      'check.conf',
      [
        'balancer app no_such_method;',
        'http_check chk {',
        '    interval 0;',
        '    colour blue;',
        '}',
        'event_log a b c;',
        'frobnicate on;',
        '',
      ].join('\n'),
    );
    assert.ok(r.model !== undefined, r.messages.join('\n'));
    assert.deepEqual(checkPluginConfig(r.model, registry()).map(formatDiagnostic), [
      `${r.file}:9:1: unknown directive "frobnicate"`,
      `${r.file}:3:1: no loaded plugin provides balancing method "no_such_method"`,
      `${r.file}:5:5: "interval" needs one time such as 500ms or 2s`,
      `${r.file}:6:5: unknown directive "colour" in http_check`,
      `${r.file}:8:1: event_log needs FILE [MAX_QUEUE]`,
    ]);
  });

  it('refuses a plugin method that cannot serve backup servers for an upstream that has them', () => {
    const r = load('backup.conf', 'balancer app ip_hash;\n');
    assert.ok(r.model !== undefined);
    assert.deepEqual(checkPluginConfig(r.model, registry()).map(formatDiagnostic), [
      `${r.file}:3:1: balancing method "ip_hash" does not support servers marked "backup" (upstream "app")`,
    ]);
  });

  it('still refuses a directive no plugin could own at load time', () => {
    const r = load('bad-name.conf', 'Not-A-Name on;\n');
    assert.deepEqual(r.messages, [`${r.file}:3:1: unknown directive "Not-A-Name"`]);
  });
});
