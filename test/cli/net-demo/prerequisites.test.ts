import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { demoPrerequisiteProblem, type HostProbe } from '../../../src/cli/net-demo/prerequisites.js';

const host = (over: Partial<HostProbe>): HostProbe => ({
  uid: 0,
  find: (t) => `/usr/bin/${t}`,
  exists: () => true,
  ...over,
});

describe('npm run demo prerequisites', () => {
  it('needs root first, in one line saying why and what to type', () => {
    assert.equal(
      demoPrerequisiteProblem('/x/main.js', host({ uid: 1000, find: () => undefined })),
      'npm run demo needs root: it creates network namespaces and sends VRRP on raw sockets (try: sudo npm run demo)',
    );
  });

  it('names each missing program, what it is for, and the Debian packages to install', () => {
    const missing = new Set(['tcpdump', 'arping']);
    const problem = demoPrerequisiteProblem(
      '/x/main.js',
      host({ find: (t) => (missing.has(t) ? undefined : `/usr/bin/${t}`) }),
    );
    assert.equal(
      problem,
      "npm run demo needs tcpdump (timing the VRRP adverts on the wire), arping (Tandem's gratuitous ARP " +
        'after a takeover): apt-get install tcpdump iputils-arping',
    );
  });

  it('needs the built daemon, and is content when everything is there', () => {
    assert.equal(
      demoPrerequisiteProblem('/x/main.js', host({ exists: () => false })),
      'npm run demo needs the built daemon /x/main.js: run npm run build first',
    );
    assert.equal(demoPrerequisiteProblem('/x/main.js', host({})), undefined);
  });
});
