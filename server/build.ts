// `npm run build` builds the web client and compiles the server; `npm start` runs this with --if-stale
// first, so only what changed since the last build is built again, then runs `node dist/server/main.js`.
import { buildClient, buildServer, ensureClientBuilt, ensureServerBuilt } from './client-build';

const log = (message: string) => console.log(message);

if (process.argv.includes('--if-stale')) {
  await ensureClientBuilt(log);
  await ensureServerBuilt(log);
} else {
  await buildClient();
  await buildServer();
  log('Built dist/client and dist/server.');
}
