// Vite builds the React client into dist/client (with a .br and a .gz copy of every text file, so the
// server sends compressed bytes without compressing per request); `npm run dev` serves it with hot reload
// and runs the Fastify server beside it (tsx watch), proxying everything that is not a client module to it.
// server/client-build.ts also uses it for the SSR build of the server. Vitest reads its settings from here too.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';
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
        env: { ...process.env, PORT: String(API_PORT) },
      });
      server.httpServer?.once('close', () => child?.kill());
      process.once('exit', () => child?.kill());
    },
  };
}

/** Text files worth compressing; images and fonts are compressed already. */
const COMPRESSIBLE = /\.(js|mjs|css|html|svg|json|txt|xml|map|webmanifest)$/;
/** Below this a compressed copy saves less than its headers cost. */
const COMPRESS_MIN_BYTES = 1_024;

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}

/**
 * After a client build, writes file.br (brotli, best quality) and file.gz (gzip -9) beside each text file
 * of the output when that saves bytes; @fastify/static picks the one the browser's Accept-Encoding allows.
 */
export function precompress(): Plugin {
  let outDir = '';
  let ssr = false;
  return {
    name: 'http-sandbox-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
      ssr = Boolean(config.build.ssr);
    },
    closeBundle() {
      if (ssr) return;
      for (const path of listFiles(outDir)) {
        if (!COMPRESSIBLE.test(path)) continue;
        const bytes = readFileSync(path);
        if (bytes.length < COMPRESS_MIN_BYTES) continue;
        const br = brotliCompressSync(bytes, {
          params: { [zlib.BROTLI_PARAM_QUALITY]: zlib.BROTLI_MAX_QUALITY, [zlib.BROTLI_PARAM_SIZE_HINT]: bytes.length },
        });
        const gz = gzipSync(bytes, { level: 9 });
        if (br.length < bytes.length) writeFileSync(`${path}.br`, br);
        if (gz.length < bytes.length) writeFileSync(`${path}.gz`, gz);
      }
    },
  };
}

export default defineConfig({
  root: 'client',
  plugins: [react(), apiServer(), precompress()],
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
