import { strict as assert } from 'node:assert';
import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { describe, it } from 'node:test';
import { variableGetter, type RequestVars } from '../../../src/proxy/http/variables.js';

const vars = (args: string): RequestVars => ({
  req: new IncomingMessage(new Socket()),
  host: 'h',
  uri: '/',
  args,
  proxyHost: 'u',
  serverName: '',
});

describe('$arg_NAME (nginx ngx_http_arg)', () => {
  const a = variableGetter('arg_a');
  it('is the raw value of the first NAME= argument, the name matched case-insensitively', () => {
    assert.ok(a !== undefined);
    assert.equal(a(vars('a=1&a=2')), '1');
    assert.equal(a(vars('b=1&A=x%20y')), 'x%20y');
    assert.equal(variableGetter('ARG_A')?.(vars('a=3')), '3');
    assert.equal(a(vars('a=')), '');
  });

  it('is empty when no argument has that name exactly', () => {
    assert.ok(a !== undefined);
    assert.equal(a(vars('')), '');
    assert.equal(a(vars('ab=1&ba=2&a')), '');
    assert.equal(a(vars('xa=1')), '');
  });
});
