import type { Exchange } from '../../../../server/protocol/api-types';
import { headerValue } from '../../lib/diagnose';

interface CookieAttribute {
  name: string;
  value: string;
  note: string;
}

const NOTES: Record<string, (value: string) => string> = {
  path: (v) => `sent only for URLs under ${v}`,
  domain: (v) => `sent to ${v} and its subdomains`,
  'max-age': (v) => (Number(v) <= 0 ? 'deletes the cookie now' : `kept for ${v} seconds`),
  expires: (v) => `kept until ${v}`,
  secure: () => 'sent only over HTTPS',
  httponly: () => 'hidden from JavaScript (document.cookie cannot read it)',
  samesite: (v) =>
    v.toLowerCase() === 'strict'
      ? 'never sent with requests from other sites'
      : v.toLowerCase() === 'lax'
        ? 'sent from other sites only on top-level navigation (protects against CSRF)'
        : 'sent with requests from every site (needs Secure)',
  partitioned: () => 'stored separately for each top-level site',
};

/** Parses one Set-Cookie header into its pair and attributes, each with a note in plain words. */
export function describeSetCookie(header: string): { name: string; value: string; attributes: CookieAttribute[] } {
  const [pair = '', ...rest] = header.split(';');
  const at = pair.indexOf('=');
  return {
    name: pair.slice(0, at).trim(),
    value: pair.slice(at + 1).trim(),
    attributes: rest
      .map((part) => part.trim())
      .filter(Boolean)
      .map((part) => {
        const eq = part.indexOf('=');
        const name = eq === -1 ? part : part.slice(0, eq);
        const value = eq === -1 ? '' : part.slice(eq + 1);
        return { name, value, note: NOTES[name.toLowerCase()]?.(value) ?? 'an attribute this view does not explain' };
      }),
  };
}

/** Cookies the request carried and the ones the response set. */
export function CookiesView({ exchange }: { exchange: Exchange }) {
  const sent = headerValue(exchange.request.headers, 'cookie');
  const set = (exchange.response?.headers ?? []).filter(([n]) => n.toLowerCase() === 'set-cookie').map(([, v]) => describeSetCookie(v));
  return (
    <div className="cookies-view">
      <h3>Sent with the request</h3>
      {sent ? (
        <ul>
          {sent.split(';').map((pair) => (
            <li key={pair}>
              <code>{pair.trim()}</code>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">No Cookie header was sent.</p>
      )}
      <h3>Set by the response</h3>
      {set.length === 0 ? (
        <p className="muted">The response set no cookies.</p>
      ) : (
        set.map((cookie) => (
          <div key={cookie.name} className="cookie-card">
            <p>
              <code>
                {cookie.name}={cookie.value}
              </code>
            </p>
            <ul>
              {cookie.attributes.map((a) => (
                <li key={a.name}>
                  <code>{a.value ? `${a.name}=${a.value}` : a.name}</code>: {a.note}
                </li>
              ))}
            </ul>
          </div>
        ))
      )}
      <p className="muted">The sandbox keeps these cookies and sends them back on your next requests, as a browser would.</p>
    </div>
  );
}
