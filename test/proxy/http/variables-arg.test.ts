import { strict as assert } from 'node:assert';
import { Socket } from 'node:net';
import { describe, it } from 'node:test';
import { ClientRequest } from '../../../src/proxy/http/client-request.js';
import { RequestParser } from '../../../src/proxy/http/request-parser.js';
import { variableGetter, type RequestVars } from '../../../src/proxy/http/variables.js';

function request(): ClientRequest {
  const parser = new RequestParser();
  const text = Buffer.from('GET / HTTP/1.1\r\nHost: h\r\n\r\n');
  parser.execute(text, 0, text.length);
  const conn = { socket: new Socket(), pauseBody() {}, resumeBody() {}, sendContinue() {} };
  return new ClientRequest(parser.head!, conn);
}

const vars = (args: string): RequestVars => ({
  req: request(),
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
