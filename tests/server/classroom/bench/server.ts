// The sandbox server for the broadcast benchmark, in its own process so its memory is measured alone.
// Prints {"port": N} once listening on 127.0.0.1; answers each "mem" line on stdin with its memory use.
import { createInterface } from 'node:readline';
import { buildApp } from '../../../../server/app';

const app = await buildApp({
  maxConnectionsPerClient: 5_000,
  streamMax: 10_000,
  roomStudentMax: 5_000,
  classroomCreatePerMinute: 100_000,
});
await app.listen({ host: '127.0.0.1', port: 0 });
const { port } = app.server.address() as { port: number };
process.stdout.write(`${JSON.stringify({ port })}\n`);

createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() === 'mem') {
    globalThis.gc?.();
    const { rss, heapUsed } = process.memoryUsage();
    process.stdout.write(`${JSON.stringify({ rss, heapUsed, streams: app.classroom.streams.size })}\n`);
  }
});
process.stdin.on('end', () => void app.close().then(() => process.exit(0)));
