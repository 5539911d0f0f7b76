// Vite builds the React client into dist/client; `npm run dev` serves it with hot reload and runs the
// Fastify server beside it (tsx watch), proxying everything that is not a client module to it.
// Vitest reads its settings from here too.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));
const DEV_PORT = Number(process.env.PORT ?? 3000);
const API_PORT = Number(process.env.API_PORT ?? DEV_PORT + 1);

/** In `npm run dev`, starts the API server in watch mode and stops it with Vite. */
function apiServer(): Plugin {
  let child: ChildProcess | undefined;
  return {
    name: 'http-sandbox-api-server',
    apply: 'serve',
    configureServer(server) {
      if (process.env.VITEST) return;
      child = spawn(process.execPath, ['--import', 'tsx', '--watch', 'server/main.ts'], {
        cwd: root,
        stdio: 'inherit',
        env: { ...process.env, PORT: String(API_PORT), SKIP_CLIENT_BUILD: '1' },
      });
      server.httpServer?.once('close', () => child?.kill());
      process.once('exit', () => child?.kill());
    },
  };
}

export default defineConfig({
  root: 'client',
  plugins: [react(), apiServer()],
  build: {
    outDir: '../dist/client',
    emptyOutDir: true,
  },
  server: {
    port: DEV_PORT,
    strictPort: true,
    proxy: {
      // Everything except Vite's own modules and the page itself goes to the API server.
      '^/(?!(@vite|@react-refresh|@id|@fs|src|node_modules)(/|$)|$|index\\.html)': {
        target: `http://127.0.0.1:${API_PORT}`,
        changeOrigin: false,
      },
    },
  },
  test: {
    root,
    include: ['tests/**/*.test.ts'],
    exclude: ['tests/e2e/**', 'node_modules/**'],
    testTimeout: 15_000,
    pool: 'forks',
  },
});
