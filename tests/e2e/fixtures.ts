// A Playwright fixture that serves the built client from a fresh app on a free port for each test file.
import { test as base } from '@playwright/test';
import { CLIENT_DIST } from '../../server/client-build';
import { startServer, type TestServer } from '../helpers/server';

export const test = base.extend<{ sandboxServer: TestServer }>({
  sandboxServer: async ({}, use) => {
    const server = await startServer({ clientDir: CLIENT_DIST });
    await use(server);
    // The browser may still hold connections (keep-alive, an event stream) when the test ends.
    server.app.server.closeAllConnections();
    await server.close();
  },
});

export { expect } from '@playwright/test';
