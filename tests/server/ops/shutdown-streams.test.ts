// Graceful shutdown with live event streams: on SIGTERM every open stream is told to reconnect soon (an SSE
// `retry:` of 1–2 s, spread at random) and ended, so browsers come back — to another process behind the load
// balancer, or this one restarted — with their Last-Event-ID; then the process exits 0.
import { afterEach, describe, expect, it } from 'vitest';
import { SHUTDOWN_RETRY_JITTER_MS, SHUTDOWN_RETRY_MS } from '../../../server/limits';
import type { TestServer } from '../../helpers/server';
import { createRoom, joinRoom, openRoom } from '../classroom/helpers';
import type { SseStream } from '../classroom/sse-client';
import { spawnServer, type SpawnedServer } from './spawn-server';

describe('graceful shutdown with open event streams', () => {
  let server: SpawnedServer | undefined;
  afterEach(() => {
    if (server?.child.exitCode === null) server.child.kill('SIGKILL');
  });

  it('on SIGTERM each stream gets a retry line of 1–2 s as its last bytes and ends; the process exits 0', async () => {
    server = spawnServer({});
    const origin = (await server.printed(/running on (http:\/\/[\d.]+:\d+)/))[1]!;
    const target = { origin } as TestServer;
    const room = await createRoom(target);
    const student = await joinRoom(target, room.code, 'Maya');
    const streams: SseStream[] = [await openRoom(target, room.code, room.instructorKey), await openRoom(target, room.code, student.studentKey)];
    for (const stream of streams) await stream.nextOf('state');

    server.child.kill('SIGTERM');
    await Promise.all(streams.map((stream) => stream.ended));
    for (const stream of streams) {
      // The stream opened with the usual retry and ends with the shutdown's, then a blank line (no event).
      const retries = [...stream.raw.matchAll(/^retry: (\d+)$/gm)].map((match) => Number(match[1]));
      expect(retries).toHaveLength(2);
      expect(stream.raw).toMatch(/\nretry: \d+\n\n$/);
      const last = retries[1]!;
      expect(last).toBeGreaterThanOrEqual(SHUTDOWN_RETRY_MS);
      expect(last).toBeLessThanOrEqual(SHUTDOWN_RETRY_MS + SHUTDOWN_RETRY_JITTER_MS);
      // What a browser reconnects with: the retry it was last told, and the id of the last event it saw.
      expect(stream.parser.retry).toBe(last);
      expect(stream.parser.lastEventId).toBeDefined();
    }
    expect(await server.exited).toBe(0);
    expect(server.output()).toContain('SIGTERM received');
  }, 60_000);
});
