import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Directive } from '../../src/config/directive.js';
import { loadDirectiveTree } from '../../src/config/load-tree.js';
import tandemGrammar from '../../src/config/parse/generated/tandem.generated.js';
import { formatDiagnostic } from '../../src/core/diagnostic.js';
import { fixture } from '../helpers/paths.js';

const load = (...p: string[]) =>
  loadDirectiveTree(fixture('config', ...p), tandemGrammar, { missingInclude: 'error' });

function flatten(list: readonly Directive[]): Directive[] {
  return list.flatMap((d) => [d, ...flatten(d.block ?? [])]);
}

describe('config loading with includes', () => {
  it('splices glob includes in sorted order and keeps positions through nested includes', () => {
    const { tree, diagnostics } = load('includes', 'main.conf');
    assert.deepEqual(diagnostics, []);
    const all = flatten(tree!.directives);
    assert.deepEqual(
      all.map((d) => `${d.name} ${d.args.map((a) => a.text).join(' ')}`.trim()),
      [
        'admin 127.0.0.1:9100',
        'plugin a.js',
        'plugin b.js',
        'metrics',
        'keepalived_compat off',
        'nginx_compat off',
      ],
    );
    const b = all.find((d) => d.args[0]?.text === 'b.js')!;
    assert.equal(b.loc.file, fixture('config', 'includes', 'conf.d', '20-b.conf'));
    assert.deepEqual([b.loc.line, b.loc.col], [2, 3]);
    assert.deepEqual(b.args[0]!.loc.col, 10);
    assert.deepEqual(
      b.loc.includedFrom?.map((l) => `${l.line}:${l.col}`),
      ['3:1'],
    );
    const deepest = all.find((d) => d.name === 'nginx_compat')!;
    assert.deepEqual([deepest.loc.line, deepest.loc.col], [3, 4]);
    assert.deepEqual(
      deepest.loc.includedFrom?.map((l) => `${l.file.split('/').pop()}:${l.line}:${l.col}`),
      ['main.conf:5:5', 'nested.conf:2:5'],
    );
  });

  it('reports an include cycle at the include that closes it', () => {
    const { diagnostics } = load('cycle', 'a.conf');
    assert.equal(diagnostics.length, 1);
    const text = formatDiagnostic(diagnostics[0]!);
    assert.match(text, /cycle\/b\.conf:2:1: include cycle: .*a\.conf -> .*b\.conf -> .*a\.conf/);
    assert.match(text, /included from .*a\.conf:1:1/);
  });

  it('reports a missing include at its line and column', () => {
    const { diagnostics } = load('missing-include.conf');
    assert.equal(diagnostics.length, 1);
    assert.match(
      formatDiagnostic(diagnostics[0]!),
      /missing-include\.conf:2:1: include file "missing\.conf" not found/,
    );
  });

  it('reports a missing main file without a location and without throwing', () => {
    const { tree, diagnostics } = load('no-such.conf');
    assert.equal(tree, undefined);
    assert.match(formatDiagnostic(diagnostics[0]!), /cannot open ".*no-such\.conf": no such file/);
  });

  it('reports an unclosed block at the end of the file and a stray brace where it stands', () => {
    assert.match(
      formatDiagnostic(load('unclosed.conf').diagnostics[0]!),
      /unclosed\.conf:3:1: unexpected end of file/,
    );
    assert.match(
      formatDiagnostic(load('extra-brace.conf').diagnostics[0]!),
      /extra-brace\.conf:2:24: unexpected "}"/,
    );
  });
});
