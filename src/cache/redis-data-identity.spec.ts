import { describe, expect, it } from '@jest/globals';
import { escapeGlob, runId, servingPrimaries } from './redis-data-identity.js';

describe('redis data identity helpers (ADR 0017)', () => {
  it('lists the primaries serving slots, flagging failed ones', () => {
    const nodes = [
      'a1 127.0.0.1:7000@17000 myself,master - 0 0 1 connected 0-5460',
      'b2 127.0.0.1:7001@17001 master,fail - 0 0 2 connected 5461-10922',
      'c3 127.0.0.1:7002@17002 slave a1 0 0 1 connected',
      'd4 127.0.0.1:7003@17003 master - 0 0 4 connected',
      'e5 127.0.0.1:7004@17004 master,fail? - 0 0 5 connected 10923-16383',
    ].join('\n');
    expect(servingPrimaries(nodes)).toEqual([
      { id: 'a1', address: '127.0.0.1:7000', failing: false },
      { id: 'b2', address: '127.0.0.1:7001', failing: true },
      { id: 'e5', address: '127.0.0.1:7004', failing: true },
    ]);
  });

  it('reads run_id from INFO server and refuses a reply without one', () => {
    expect(runId('# Server\r\nredis_version:7.0.15\r\nrun_id:4f1c0a9e\r\ntcp_port:6379')).toBe(
      '4f1c0a9e',
    );
    expect(() => runId('# Server\r\nredis_version:7.0.15')).toThrow(/run_id/);
  });

  it('escapes glob metacharacters of a key prefix', () => {
    expect(escapeGlob('app:[x]*?\\:')).toBe('app:\\[x\\]\\*\\?\\\\:');
    expect(escapeGlob('sentinel:token:')).toBe('sentinel:token:');
  });
});
