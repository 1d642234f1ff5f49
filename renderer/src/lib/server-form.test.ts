import { describe, expect, it } from 'vitest';
import { EnclaveError } from '../../../shared/errors.js';
import { addressProblem, draftProblems, errorField, nameProblem, suggestServerName, tokenProblem } from './server-form.js';

describe('add server form', () => {
  it('checks the address as the backend does', () => {
    expect(addressProblem('https://lab.example:8443')).toBeNull();
    expect(addressProblem('127.0.0.1:8443')).toBeNull();
    expect(addressProblem('')).toContain('Give the server address');
    expect(addressProblem('https://lab.example:8443/path')).toContain('no path');
  });
  it('checks the name and a clash', () => {
    expect(nameProblem('lab', [])).toBeNull();
    expect(nameProblem('-lab', [])).toContain('start with a letter');
    expect(nameProblem('lab', ['lab'])).toContain('already exists');
  });
  it('checks the token only when it is the chosen way', () => {
    expect(tokenProblem('short')).toContain('long text');
    expect(tokenProblem('eyJjbGllbnRfbmFtZSI6ImVuY2xhdmUiLCJmaW5nZXJwcmludCI6ImFiIn0=')).toBeNull();
    expect(draftProblems({ name: 'lab', address: 'lab:8443', method: 'fingerprint', token: '' }, [])).toEqual({});
    expect(Object.keys(draftProblems({ name: '', address: '', method: 'token', token: '' }, [])).sort()).toEqual(['address', 'name', 'token']);
  });
  it('suggests a free name from the host', () => {
    expect(suggestServerName('https://lab.example:8443', [])).toBe('lab');
    expect(suggestServerName('lab.example', ['lab'])).toBe('lab-2');
    expect(suggestServerName('127.0.0.1:8443', [])).toBe('server');
    expect(suggestServerName('', [])).toBe('server');
  });
  it('puts a failure on the field it is about', () => {
    expect(errorField('probe', 'fingerprint', new EnclaveError('unavailable', 'unreachable'))).toBe('address');
    expect(errorField('add', 'token', new EnclaveError('conflict', 'exists'))).toBe('name');
    expect(errorField('add', 'token', new EnclaveError('incus', 'token refused'))).toBe('token');
    expect(errorField('add', 'fingerprint', new EnclaveError('incus', 'not trusted'))).toBe('confirm');
    expect(errorField('add', 'fingerprint', new Error('x'))).toBe('confirm');
  });
});
