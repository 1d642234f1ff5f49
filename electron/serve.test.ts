import { describe, expect, it } from 'vitest';
import { parsePort } from './serve.js';

describe('parsePort', () => {
  it('is undefined without --port', () => {
    expect(parsePort([])).toBeUndefined();
    expect(parsePort(['--verbose', '8080'])).toBeUndefined();
  });

  it('reads --port N and --port=N', () => {
    expect(parsePort(['--port', '8080'])).toBe(8080);
    expect(parsePort(['--port=8080'])).toBe(8080);
    expect(parsePort(['--x', '--port', '0'])).toBe(0);
    expect(parsePort(['--port=65535'])).toBe(65535);
  });

  it.each([
    [['--port']],
    [['--port=']],
    [['--port', '']],
    [['--port', 'abc']],
    [['--port', '-1']],
    [['--port', '65536']],
    [['--port', '80.5']],
    [['--port', '0x50']],
    [['--port', '1e3']],
    [['--port', ' 80']],
    [['--port', '--open']],
  ])('refuses %j', (argv) => {
    expect(() => parsePort(argv)).toThrow(/--port takes a number from 0 to 65535/);
  });
});
