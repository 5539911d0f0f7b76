// The sandbox as the benchmark runs it: the real app (buildApp, production settings, no logging) in a
// process of its own on a free loopback port. Also answers a memory probe on stdin.
import { buildApp } from '../../server/app';
import { readConfig } from '../../server/config';
import { join } from 'node:path';

// Run from the project folder (npm run bench does): the built client is in dist/client. The limits are the
// environment's (SEND_CONCURRENCY=16 npm run bench measures another setting); the port is always a free one.
const app = await buildApp({ ...readConfig(), clientDir: join(process.cwd(), 'dist', 'client'), logLevel: 'silent' });
await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`${JSON.stringify({ port: (app.server.address() as { port: number }).port })}\n`);

// "memory N W": create N private sandboxes with W writes each through the store, then report RSS.
process.stdin.setEncoding('utf8');
process.stdin.on('data', (line: string) => {
  const [command, n = '0', w = '0'] = line.trim().split(/\s+/);
  if (command !== 'memory') return;
  global.gc?.();
  const before = process.memoryUsage().rss;
  for (let i = 0; i < Number(n); i += 1) {
    const sandbox = app.sandboxes.store.open(`bench-${i}`);
    for (let j = 0; j < Number(w); j += 1) {
      sandbox.books.insert({ title: `Book ${j}`, author: 'Bench', year: 2000 + j, status: 'unread', categoryId: null, ownerId: 1 });
    }
  }
  global.gc?.();
  const after = process.memoryUsage().rss;
  process.stdout.write(`${JSON.stringify({ rssBefore: before, rssAfter: after, sandboxes: app.sandboxes.store.size() })}\n`);
});
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
