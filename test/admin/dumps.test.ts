import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  createMemoryLogger,
  formatKeepalivedData,
  formatKeepalivedJson,
  formatKeepalivedStats,
  installDumpSignals,
  writeDump,
} from '../../src/index.js';
import { fixture } from '../helpers/paths.js';
import { FakeSource } from './fake-source.js';

// The fixtures are keepalived 2.2.7's own dumps (SIGUSR1, SIGUSR2, SIGRTMIN+2) of this instance, in
// a namespace, on a host in UTC: VI_1 MASTER on kadm0, vrid 51, priority 150 + script chk_ok weight 10.
process.env.TZ = 'UTC';

function likeFixture(): FakeSource {
  const s = new FakeSource();
  Object.assign(s.instance, {
    interface: 'kadm0',
    vips: [{ address: '203.0.113.10/24', interface: 'kadm0', installed: true }],
    trackers: [{ kind: 'script', name: 'chk_ok', up: true, reason: 'exited with status 0', weight: 10 }],
    lastTransition: 1795212594296.448,
  });
  return s;
}

const real = (name: string) => readFileSync(fixture('admin', name), 'utf8');

describe('keepalived-compatible dumps', () => {
  it('the stats dump is byte for byte what keepalived 2.2.7 writes', () => {
    assert.equal(formatKeepalivedStats(likeFixture().vrrp()), real('keepalived.stats'));
  });

  it('every line of the data dump is a line keepalived 2.2.7 wrote, except the masked password', () => {
    const ours = formatKeepalivedData(likeFixture().vrrp(), []).trimEnd().split('\n');
    const theirs = new Set(real('keepalived.data').split('\n'));
    const missing = ours.filter((l) => !theirs.has(l));
    assert.deepEqual(missing, ['   Password = ***']);
    // The lines the exporter reads are all there.
    for (const l of [
      ' VRRP Instance = VI_1',
      '   State = MASTER',
      '   Interface = kadm0',
      '   Virtual Router ID = 51',
    ])
      assert.ok(ours.includes(l), l);
    assert.ok(ours.includes('     203.0.113.10/24 dev kadm0 scope global set'));
    assert.ok(ours.includes(' VRRP Script = chk_ok') && ours.includes('   Status = GOOD'));
  });

  it('a BACKUP names its master, and a failed script is BAD', () => {
    const s = likeFixture();
    s.become('BACKUP', 1795212600000);
    s.instance.masterAddress = '203.0.113.3';
    s.instance.masterPriority = 200;
    s.instance.trackers = [{ kind: 'script', name: 'chk_ok', up: false, reason: 'exit 1', weight: 10 }];
    const text = formatKeepalivedData(s.vrrp(), [{ name: 'G1', state: 'BACKUP', instances: ['VI_1'] }]);
    assert.match(text, /\n {3}State = BACKUP\n/);
    assert.match(text, /\n {3}Master router = 203\.0\.113\.3\n {3}Master priority = 200\n/);
    assert.match(text, /\n {3}Status = BAD\n/);
    assert.match(text, /\n VRRP Sync Group = G1, BACKUP\n/);
  });

  it('the JSON dump has keepalived fields and values, and no auth_data', () => {
    const ours = JSON.parse(formatKeepalivedJson(likeFixture().vrrp())) as { data: object; stats: object }[];
    const theirs = JSON.parse(real('keepalived.json')) as { data: Record<string, unknown>; stats: object }[];
    assert.equal(ours.length, 1);
    const d = ours[0]!.data as Record<string, unknown>;
    for (const [k, v] of Object.entries(d)) {
      if (k === 'track_script' || k === 'evips') continue; // keepalived lists script commands; we list names
      assert.deepEqual(v, theirs[0]!.data[k], k);
    }
    assert.deepEqual(ours[0]!.stats, theirs[0]!.stats);
    assert.equal('auth_data' in d, false);
  });

  it('SIGUSR1 writes data and JSON, SIGUSR2 the stats, to the configured paths, mode 0600', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tandem-dump-'));
    const paths = { data: join(dir, 'd.data'), stats: join(dir, 's.stats'), json: join(dir, 'j.json') };
    const target = new EventEmitter();
    const { logger, records } = createMemoryLogger();
    const uninstall = installDumpSignals(likeFixture(), paths, logger, target);
    target.emit('SIGUSR1');
    assert.match(readFileSync(paths.data, 'utf8'), /^------< VRRP Topology >------\n VRRP Instance = VI_1\n/);
    const json = JSON.parse(readFileSync(paths.json, 'utf8')) as { data: { iname: string } }[];
    assert.equal(json[0]?.data.iname, 'VI_1');
    assert.equal(statSync(paths.data).mode & 0o777, 0o600);
    target.emit('SIGUSR2');
    assert.equal(readFileSync(paths.stats, 'utf8'), real('keepalived.stats'));
    assert.deepEqual(
      records.map((r) => r.msg),
      [
        `Printing VRRP data for process(${process.pid}) on signal`,
        `Printing VRRP stats for process(${process.pid}) on signal`,
      ],
    );
    uninstall();
    assert.equal(target.listenerCount('SIGUSR1') + target.listenerCount('SIGUSR2'), 0);
  });

  it('an unwritable dump path is logged, not thrown', () => {
    const { logger, records } = createMemoryLogger();
    const bad = { data: '/nonexistent-dir/x.data', stats: '/nonexistent-dir/x', json: '/nonexistent-dir/x' };
    assert.equal(writeDump('data', likeFixture(), bad, logger), false);
    assert.match(records[0]?.msg ?? '', /^cannot write data dump to \/nonexistent-dir\/x\.data: ENOENT/);
  });
});
