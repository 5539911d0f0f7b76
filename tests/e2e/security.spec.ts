// Cross-site attacks on a learner's browser, performed in Chromium. The attacker's site is a second loopback
// origin (http://127.0.0.2:<port>, cross-site to the sandbox on 127.0.0.1); the victim is logged in to the
// sandbox, follows the attacker's links, and nothing the attacker's page or inbox can make the sandbox say
// acts as the app: no cookie reaches the attacker's inbox, no cookie is set or wiped, no redirect leaves the
// sandbox, and no echo or inbox answer runs as the app's script.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from '@playwright/test';
import { call } from '../helpers/server';
import { expect, test } from './fixtures';

interface Attacker {
  origin: string;
  /** Paths of the attacker's site that a browser requested. */
  hits: string[];
  /** Serves `html` at `path` on the attacker's site. */
  page: (path: string, html: string) => void;
  close: () => Promise<void>;
}

async function attackerSite(): Promise<Attacker> {
  const pages = new Map<string, string>();
  const hits: string[] = [];
  const server: Server = createServer((request, response) => {
    hits.push(request.url ?? '');
    const html = pages.get(request.url ?? '') ?? '<!doctype html><title>Landed</title><p>You are on the attacker’s site.</p>';
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.2', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.2:${port}`,
    hits,
    page: (path, html) => pages.set(path, html),
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

let attacker: Attacker;
test.beforeEach(async () => {
  attacker = await attackerSite();
});
test.afterEach(async () => {
  await attacker.close();
});

/** The victim opens the sandbox (which gives the browser its sandbox cookie) and logs in as ada. */
async function victimLogsIn(page: Page, origin: string): Promise<void> {
  await page.goto(`${origin}/`);
  const status = await page.evaluate(async () => {
    const response = await fetch('/api/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'ada', password: 'lovelace' }) });
    return response.status;
  });
  expect(status).toBe(201);
}

/** The victim visits the attacker's page and follows its link; resolves with the response the browser got. */
async function followAttackerLink(page: Page, target: string) {
  attacker.page('/lure', `<!doctype html><title>Free books</title><a href="${target.replace(/"/g, '&quot;')}">Claim your free book</a>`);
  await page.goto(`${attacker.origin}/lure`);
  const [response] = await Promise.all([page.waitForResponse((r) => r.url().startsWith(new URL(target).origin) && r.request().isNavigationRequest()), page.getByRole('link', { name: 'Claim your free book' }).click()]);
  await page.waitForLoadState('load');
  return response;
}

test('a link to the attacker’s inbox delivers no session or sandbox cookie to the attacker', async ({ page, context, sandboxServer }) => {
  const inbox = (await call(sandboxServer, '/app/inboxes', { method: 'POST' })).json as { id: string; key: string; url: string };
  await victimLogsIn(page, sandboxServer.origin);
  const cookies = Object.fromEntries((await context.cookies(sandboxServer.origin)).map((c) => [c.name, c.value]));
  expect(cookies.sid).toBeTruthy();
  expect(cookies.sandbox).toBeTruthy();

  const response = await followAttackerLink(page, `${sandboxServer.origin}${inbox.url}gift`);
  // The browser did send its cookies (a top-level link is same-site enough for SameSite=Lax)…
  expect(await response.request().headerValue('cookie')).toContain(`sid=${cookies.sid}`);

  // …but the attacker's capture has none of them, and nothing in it logs anyone in.
  const captured = await call(sandboxServer, `/app/inboxes/${inbox.id}/requests`, { headers: { authorization: `Bearer ${inbox.key}` } });
  const text = JSON.stringify(captured.json);
  expect(text).toContain('/gift');
  expect(text).not.toContain(cookies.sid);
  expect(text).not.toContain(cookies.sandbox);
  const cookieLine = (captured.json.requests[0].headers as [string, string][]).find(([name]) => name.toLowerCase() === 'cookie')![1];
  const replay = await call(sandboxServer, '/api/books/1', { method: 'DELETE', headers: { cookie: cookieLine } });
  expect(replay.status).not.toBe(204);
  expect([400, 401]).toContain(replay.status);
  // The victim's book is still there.
  expect((await call(sandboxServer, '/api/books/1', { headers: { cookie: `sandbox=${cookies.sandbox}` } })).status).toBe(200);
});

test('a link to /cookies/set cannot log the victim into the attacker’s session or sandbox (login CSRF)', async ({ page, context, sandboxServer }) => {
  const mine = await call(sandboxServer, '/api/session', { method: 'POST', headers: { 'x-sandbox': 'attackers' }, json: { username: 'grace', password: 'hopper' } });
  const attackerSid = String(mine.headers['set-cookie']).split(';')[0]!.split('=')[1]!;
  await victimLogsIn(page, sandboxServer.origin);
  const before = Object.fromEntries((await context.cookies(sandboxServer.origin)).map((c) => [c.name, c.value]));

  for (const path of [`/cookies/set?sid=${attackerSid}&sandbox=attackers`, `/cookies/set/sandbox/attackers`, '/cookies/delete?sid', `/response-headers?Set-Cookie=${encodeURIComponent(`sid=${attackerSid}; Path=/api`)}`]) {
    const response = await followAttackerLink(page, `${sandboxServer.origin}${path}`);
    expect(response.status(), path).toBe(400);
    expect(response.headers()['set-cookie'], path).toBeUndefined();
  }
  const after = await context.cookies(sandboxServer.origin);
  expect(after.filter((c) => c.name === 'sid').map((c) => c.value)).toEqual([before.sid]);
  expect(after.filter((c) => c.name === 'sandbox').map((c) => c.value)).toEqual([before.sandbox]);
  // The victim is still themself, in their own sandbox.
  await page.goto(`${sandboxServer.origin}/`);
  const who = await page.evaluate(async () => (await (await fetch('/api/session')).json()).user.username);
  expect(who).toBe('ada');
});

test('a link to /response-headers with Clear-Site-Data wipes neither the app’s cookies nor its storage', async ({ page, context, sandboxServer }) => {
  await victimLogsIn(page, sandboxServer.origin);
  await page.evaluate(() => localStorage.setItem('instructor-key-probe', 'kept'));
  const before = (await context.cookies(sandboxServer.origin)).map((c) => c.name).sort();

  for (const value of ['"*"', '"cookies", "storage"']) {
    const response = await followAttackerLink(page, `${sandboxServer.origin}/response-headers?Clear-Site-Data=${encodeURIComponent(value)}`);
    expect(response.status()).toBe(400);
    expect(response.headers()['clear-site-data']).toBeUndefined();
  }
  expect((await context.cookies(sandboxServer.origin)).map((c) => c.name).sort()).toEqual(before);
  await page.goto(`${sandboxServer.origin}/`);
  expect(await page.evaluate(() => localStorage.getItem('instructor-key-probe'))).toBe('kept');
});

test('no echo or inbox redirect leaves the sandbox, however the target is spelled', async ({ page, sandboxServer }) => {
  const landing = `${attacker.origin.replace('http://', '')}/landed`;
  const probes = [
    `/redirect-to?url=/%09/${landing}`,
    `/redirect-to?url=/%5C${landing}`,
    `/redirect-to?url=%2F%0A%2F${landing}`,
    `/response-headers?Refresh=${encodeURIComponent(`0;url=http://${landing}`)}`,
    `/response-headers?Refresh=${encodeURIComponent(`0;url=/\t/${landing}`)}`,
  ];
  for (const probe of probes) {
    const response = await followAttackerLink(page, `${sandboxServer.origin}${probe}`);
    expect(response.status(), probe).toBe(400);
    expect(response.headers().location, probe).toBeUndefined();
    expect(response.headers().refresh, probe).toBeUndefined();
    expect(new URL(page.url()).origin, probe).toBe(sandboxServer.origin);
  }
  // An inbox cannot be told to redirect off-site either.
  const inbox = (await call(sandboxServer, '/app/inboxes', { method: 'POST' })).json as { id: string; key: string; url: string };
  for (const [name, value] of [['Location', `/\t/${landing}`], ['Location', `/\\${landing}`], ['Refresh', `0; url=/\t/${landing}`]]) {
    const configured = await call(sandboxServer, `/app/inboxes/${inbox.id}/response`, { method: 'PUT', headers: { authorization: `Bearer ${inbox.key}` }, json: { status: 302, headers: [[name, value]], body: '' } });
    expect(configured.status, `${name}: ${value}`).toBe(422);
  }
  const followed = await followAttackerLink(page, `${sandboxServer.origin}${inbox.url}`);
  expect(followed.status()).toBe(200);
  expect(attacker.hits.filter((hit) => hit === '/landed')).toEqual([]);
});

test('nothing the echo or an inbox says runs as the app’s own script, worker or style', async ({ page, sandboxServer }) => {
  const inbox = (await call(sandboxServer, '/app/inboxes', { method: 'POST' })).json as { id: string; key: string; url: string };
  const refusedScript = await call(sandboxServer, `/app/inboxes/${inbox.id}/response`, { method: 'PUT', headers: { authorization: `Bearer ${inbox.key}` }, json: { status: 200, headers: [['Content-Type', 'application/javascript']], body: 'window.pwned = "inbox"' } });
  expect(refusedScript.status).toBe(422);
  const plain = await call(sandboxServer, `/app/inboxes/${inbox.id}/response`, { method: 'PUT', headers: { authorization: `Bearer ${inbox.key}` }, json: { status: 200, headers: [['Content-Type', 'text/plain']], body: 'window.pwned = "inbox"' } });
  expect(plain.status).toBe(200);

  await page.goto(`${sandboxServer.origin}/`);
  const payload = Buffer.from('window.pwned = "base64"').toString('base64url');
  // As if an injection had put these tags on the app's page: the app's CSP allows scripts from 'self'.
  const outcome = await page.evaluate(async ({ scripts, style }) => {
    const load = (element: HTMLScriptElement | HTMLLinkElement) =>
      new Promise<string>((resolve) => {
        element.addEventListener('load', () => resolve('ran'));
        element.addEventListener('error', () => resolve('blocked'));
        document.head.append(element);
      });
    const results: string[] = [];
    for (const src of scripts) {
      const script = document.createElement('script');
      script.src = src;
      results.push(await load(script));
    }
    const link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = style;
    results.push(await load(link));
    let worker = 'blocked';
    try {
      await navigator.serviceWorker.register(scripts[0]!, { scope: '/' });
      worker = 'registered';
    } catch {
      worker = 'blocked';
    }
    return { results, worker, pwned: (window as unknown as { pwned?: string }).pwned ?? null };
  }, { scripts: [`/base64/${payload}`, `${inbox.url}x.js`, `/response-headers?Content-Type=text/javascript&x=1`], style: `/base64/${Buffer.from('body{display:none}').toString('base64url')}` });
  expect(outcome).toEqual({ results: ['blocked', 'blocked', 'blocked', 'blocked'], worker: 'blocked', pwned: null });
  await expect(page.getByRole('button', { name: 'Lessons' })).toBeVisible();
});
