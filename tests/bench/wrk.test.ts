// The bench reads wrk's report as wrk prints it: requests, rate, latency percentiles, errors and wrk's own CPU.
import { describe, expect, it } from 'vitest';
import { durationMs, parseWrk } from './wrk';

// wrk 4.1 with --latency, followed by the shell's `times` (the shell's line, then its children's: wrk's).
const REPORT = `Running 3s test @ http://127.0.0.1:40123/anything
  2 threads and 50 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     6.56ms   14.22ms 161.90ms   95.79%
    Req/Sec     6.49k     3.31k   12.82k    70.00%
  Latency Distribution
     50%  850.00us
     75%    5.27ms
     90%   10.32ms
     99%    1.02s
  39006 requests in 3.01s, 18.78MB read
  Socket errors: connect 0, read 2, write 0, timeout 3
  Non-2xx or 3xx responses: 7
Requests/sec:  12958.80
Transfer/sec:      6.24MB
0m0.000000s 0m0.000000s
0m0.290000s 0m0.940000s
`;

describe('reading a wrk report', () => {
  it('takes requests, rate, percentiles, errors and the load generator CPU from it', () => {
    expect(parseWrk(REPORT, 3_000)).toEqual({
      requests: 39_006,
      errors: 5,
      non2xx: 7,
      rps: 12_959,
      p50: 0.85,
      p99: 1_020,
      cpuMs: 1_230,
      elapsedMs: 3_010,
    });
  });

  it('reads every unit wrk prints a duration in', () => {
    expect([durationMs('850.00us'), durationMs('5.27ms'), durationMs('1.02s'), durationMs('1.00m')]).toEqual([0.85, 5.27, 1_020, 60_000]);
    expect(durationMs('soon')).toBeNaN();
  });
});
