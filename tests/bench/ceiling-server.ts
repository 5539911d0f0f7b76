// The ceiling reference: a bare Fastify server that echoes method, URL, headers and body as JSON
// with no other work — what our stack can do at best on this machine.
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));
app.all('/*', async (request) => ({ method: request.method, url: request.url, headers: request.headers, body: request.body ?? null }));
await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`${JSON.stringify({ port: (app.server.address() as { port: number }).port })}\n`);
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
