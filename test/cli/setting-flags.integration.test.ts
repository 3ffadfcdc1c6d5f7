import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startDaemon, type RunningDaemon } from '../helpers/daemon.js';
import { cliPath } from '../helpers/paths.js';

function tandem(...args: string[]) {
  const r = spawnSync(process.execPath, [cliPath, ...args], { encoding: 'utf8', timeout: 20_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const CONF_TOKEN = 'conf-token-0123456789abcdef';
const FILE_TOKEN = 'file-token-0123456789abcdef';
const ARGV_TOKEN = 'argv-token-0123456789abcdef';

let dir = '';
let conf = '';
let tokenFile = '';

/** tandem.conf says one thing for every setting; the flags in each test say another. */
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'cli-flags-'));
  conf = join(dir, 'tandem.conf');
  tokenFile = join(dir, 'admin.token');
  writeFileSync(
    conf,
    `admin 127.0.0.1:9 token=${CONF_TOKEN};
metrics { native on; keepalived_compat on; nginx_compat on; }
dumps { data conf.data; stats conf.stats; json conf.json; }
log { level warn; format text; }
`,
  );
  writeFileSync(tokenFile, `${FILE_TOKEN}\n`, { mode: 0o600 });
});

after(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Starts the daemon on an ephemeral admin port and returns it with the port from its log line. */
async function daemonWith(args: string[]): Promise<{ d: RunningDaemon; port: number }> {
  // `--log-level info` beats tandem.conf's `warn`: without it the listening line would not be logged.
  const d = startDaemon(['-c', conf, '--admin', '127.0.0.1:0', '--log-level', 'info', ...args]);
  try {
    await d.waitFor(/admin server listening on http:\/\/127\.0\.0\.1:\d+\//);
  } catch (err) {
    await d.stop('SIGKILL');
    throw err;
  }
  const port = Number(/admin server listening on http:\/\/127\.0\.0\.1:(\d+)\//.exec(d.output())?.[1]);
  return { d, port };
}

async function get(port: number, path: string, token?: string): Promise<{ status: number; body: string }> {
  const headers: Record<string, string> = token === undefined ? {} : { authorization: `Bearer ${token}` };
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { headers });
  return { status: res.status, body: await res.text() };
}

describe('tandem.conf settings given as flags win over the file', () => {
  it('shows every flag in the model printed by -d, the token masked unless --show-secrets', () => {
    const args = ['-d', '-c', conf, '--admin', '127.0.0.1:9200', '--admin-token-file', tokenFile];
    const flags = ['--metrics', 'native,nginx', '--log-level', 'error', '--dump-stats', join(dir, 'x.stats')];
    const r = tandem(...args, ...flags, '--show-secrets');
    assert.equal(r.code, 0, r.err);
    const t = (JSON.parse(r.out) as { tandem: Record<string, unknown> }).tandem;
    assert.deepEqual(t.admin, { host: '127.0.0.1', port: 9200, token: FILE_TOKEN });
    assert.deepEqual(t.metrics, { native: true, keepalivedCompat: false, nginxCompat: true });
    assert.deepEqual(t.log, { format: 'text', level: 'error' });
    // One dump path replaced; tandem.conf's others kept (resolved against tandem.conf's directory).
    assert.deepEqual(t.dumps, {
      data: join(dir, 'conf.data'),
      stats: join(dir, 'x.stats'),
      json: join(dir, 'conf.json'),
    });
    const masked = tandem(...args, ...flags);
    assert.doesNotMatch(masked.out, new RegExp(FILE_TOKEN));
    assert.match(masked.out, /"token": "\*\*\*"/);
  });

  it("admin server: requires the token from --admin-token-file, not tandem.conf's; SIGHUP re-reads the file", async () => {
    const { d, port } = await daemonWith(['--admin-token-file', tokenFile]);
    try {
      assert.equal((await get(port, '/status')).status, 401);
      assert.equal((await get(port, '/status', CONF_TOKEN)).status, 401);
      assert.equal((await get(port, '/status', FILE_TOKEN)).status, 200);
      // Rotating the token: write the file, send SIGHUP.
      const rotated = 'rotated-token-0123456789abcdef';
      writeFileSync(tokenFile, `${rotated}\n`);
      d.child.kill('SIGHUP');
      await d.waitFor('Reload finished');
      assert.equal((await get(port, '/status', FILE_TOKEN)).status, 401);
      assert.equal((await get(port, '/status', rotated)).status, 200);
      assert.equal(await d.stop('SIGTERM'), 0);
    } finally {
      writeFileSync(tokenFile, `${FILE_TOKEN}\n`);
      await d.stop('SIGKILL');
    }
  });

  it('admin server: --admin-token TOKEN works and warns that ps shows it', async () => {
    const { d, port } = await daemonWith(['--admin-token', ARGV_TOKEN]);
    try {
      assert.match(d.output(), /warning: --admin-token shows the token to every local user \(ps/);
      assert.equal((await get(port, '/status', CONF_TOKEN)).status, 401);
      assert.equal((await get(port, '/status', ARGV_TOKEN)).status, 200);
      // Without --metrics, tandem.conf's families are all exported (the control for the next test).
      const m = await get(port, '/metrics', ARGV_TOKEN);
      assert.equal(m.status, 200);
      assert.match(m.body, /^keepalived_up /m);
      assert.match(m.body, /^# TYPE nginx_/m);
      assert.match(m.body, /^# TYPE tandem_/m);
    } finally {
      await d.stop('SIGKILL');
    }
  });

  it('/metrics omits the families --metrics leaves out; SIGUSR1/SIGUSR2 write the --dump-* paths', async () => {
    const data = join(dir, 'flag.data');
    const stats = join(dir, 'flag.stats');
    const json = join(dir, 'flag.json');
    const dumps = ['--dump-data', data, '--dump-stats', stats, '--dump-json', json];
    const { d, port } = await daemonWith(['--metrics', 'native', '--admin-token-file', tokenFile, ...dumps]);
    try {
      const m = await get(port, '/metrics', FILE_TOKEN);
      assert.equal(m.status, 200);
      assert.match(m.body, /^# TYPE tandem_/m);
      assert.doesNotMatch(m.body, /^(# TYPE )?keepalived_/m);
      assert.doesNotMatch(m.body, /^(# TYPE )?nginx_/m);
      d.child.kill('SIGUSR1');
      d.child.kill('SIGUSR2');
      const deadline = Date.now() + 5_000;
      while (![data, stats, json].every((f) => existsSync(f)) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      assert.ok(existsSync(data) && existsSync(stats) && existsSync(json), d.output());
      assert.ok(JSON.parse(readFileSync(json, 'utf8')));
      assert.ok(!existsSync(join(dir, 'conf.data')) && !existsSync(join(dir, 'conf.stats')));
    } finally {
      await d.stop('SIGKILL');
    }
  });

  it('--log-level wins over tandem.conf: its warn hides the info lines, the flag brings them back', async () => {
    // Every daemon above ran with `--log-level info` and logged its listening line; without the
    // flag, tandem.conf's `level warn` keeps the same start silent (the pid file says it is up).
    const pidFile = join(dir, 'tandem.pid');
    const d = startDaemon(['-c', conf, '--admin', '127.0.0.1:0', '--pid', pidFile]);
    try {
      const deadline = Date.now() + 10_000;
      while (!existsSync(pidFile) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      assert.ok(existsSync(pidFile), d.output());
      assert.doesNotMatch(d.output(), /Starting Tandem|admin server listening/);
      assert.equal(await d.stop('SIGTERM'), 0);
    } finally {
      await d.stop('SIGKILL');
    }
    const r = tandem('-d', '-c', conf, '-D');
    assert.equal((JSON.parse(r.out) as { tandem: { log: { level: string } } }).tandem.log.level, 'debug');
  });

  it('refuses a bad value with one line and exit 2, before starting anything', () => {
    const cases: [string[], RegExp][] = [
      [['--metrics', 'native,prometheus'], /^tandem: --metrics: unknown metric family 'prometheus'/],
      [['--metrics', ''], /^tandem: --metrics: unknown metric family ''/],
      [
        ['--log-level', 'verbose'],
        /^tandem: --log-level must be one of debug, info, warn, error, not 'verbose'/,
      ],
      [['-D', '--log-level', 'warn'], /^tandem: -D \(debug\) and --log-level warn contradict each other/],
      [['--log-format', 'xml'], /^tandem: --log-format must be text or json, not 'xml'/],
      [
        ['--admin-token-file', join(dir, 'missing.token')],
        /^tandem: --admin-token-file: .*missing\.token does not exist/,
      ],
      [['--admin-token-file', dir], /^tandem: --admin-token-file: .* is not a file/],
      [['--admin-token', ''], /^tandem: --admin-token must not be empty/],
      [
        ['--admin-token', 'x', '--admin-token-file', tokenFile],
        /^tandem: give --admin-token or --admin-token-file, not both/,
      ],
      [
        ['--dump-data', join(dir, 'no', 'such', 'x.data')],
        /^tandem: --dump-data: directory .*no\/such does not exist/,
      ],
      [['--dump-stats', dir], /^tandem: --dump-stats: .* is a directory/],
      [['--admin', '10.0.0.300:9100'], /^tandem: --admin: "10\.0\.0\.300" is not an IPv4 address/],
    ];
    const empty = join(dir, 'empty.token');
    writeFileSync(empty, '\n');
    cases.push([['--admin-token-file', empty], /^tandem: --admin-token-file: admin token file .* is empty/]);
    for (const [args, message] of cases) {
      const r = tandem('-t', '-c', conf, ...args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.err}`);
      assert.match(r.err, message);
      assert.equal(r.err.trimEnd().split('\n').length, 1, `one line for ${args.join(' ')}:\n${r.err}`);
    }
  });

  it("a public --admin needs a token from either source: tandem.conf's, or a flag's", () => {
    const pub = join(dir, 'public.conf');
    writeFileSync(pub, 'admin 0.0.0.0:9100;\n');
    const refused = tandem('-t', '-c', pub);
    assert.equal(refused.code, 1);
    assert.match(refused.err, /refuses to listen on 0\.0\.0\.0:9100 without a token.*--admin-token-file/);
    assert.equal(tandem('-t', '-c', pub, '--admin-token-file', tokenFile).code, 0);
    const noConfToken = join(dir, 'loopback.conf');
    writeFileSync(noConfToken, 'admin 127.0.0.1:9100;\n');
    assert.equal(tandem('-t', '-c', noConfToken, '--admin', '0.0.0.0:9100').code, 1);
    assert.equal(tandem('-t', '-c', conf, '--admin', '0.0.0.0:9100').code, 0);
  });
});
