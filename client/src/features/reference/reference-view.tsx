// The reference a learner browses: every status code by class (with the counts of the registry), the
// methods table, and every header — each entry with where it is defined, and for status codes an example
// exchange, the headers that must or should come with it, whether it is cacheable by default, what to do
// next, and "Try it", which fills the composer with a request that really produces the code here.
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { HeaderEntry, MethodEntry, StatusCodeEntry } from '../../../../server/protocol/api-types';
import { Tabs } from '../../components/ui/tabs';
import { useDraftStore } from '../../stores/draft-store';
import { requestDraft, type ReadyRequest } from '../../lib/request-draft';
import { useReferenceStore } from '../../stores/reference-store';

const CLASSES: { digit: number; name: string }[] = [
  { digit: 1, name: 'Informational' },
  { digit: 2, name: 'Success' },
  { digit: 3, name: 'Redirection' },
  { digit: 4, name: 'Client error' },
  { digit: 5, name: 'Server error' },
];

type Tab = 'codes' | 'methods' | 'headers';

function matches(query: string, ...texts: (string | number | undefined)[]): boolean {
  const q = query.trim().toLowerCase();
  return q === '' || texts.some((text) => text !== undefined && String(text).toLowerCase().includes(q));
}

/** The request as it goes on the wire (start line, headers, body), and the status line that answers it. */
export function exampleExchange(entry: StatusCodeEntry): string | undefined {
  const request = entry.readyRequest;
  if (!request) return undefined;
  const headers = request.headers?.length ? request.headers : [['Accept', 'application/json'] as [string, string]];
  const lines = [`${request.method} ${request.url} HTTP/1.1`, 'Host: localhost:3000', ...headers.map(([n, v]) => `${n}: ${v}`)];
  if (request.body !== undefined) lines.push('', request.body);
  const answer = entry.code < 200 ? [`HTTP/1.1 ${entry.code} ${entry.reason}`, '…', 'HTTP/1.1 200 OK'] : [`HTTP/1.1 ${entry.code} ${entry.reason}`];
  return [...lines, '', ...answer].join('\n');
}

function TryIt({ request, what }: { request: ReadyRequest; what: string }) {
  const load = useDraftStore((s) => s.load);
  const [done, setDone] = useState(false);
  return (
    <p>
      <button
        type="button"
        className="secondary"
        onClick={() => {
          load(requestDraft(request));
          setDone(true);
        }}
      >
        Try it: {request.method} {request.url}
      </button>{' '}
      {done && (
        <span className="muted" role="status">
          The composer now holds a request that gets {what}; press Send (Ctrl+Enter).
        </span>
      )}
    </p>
  );
}

function StatusCode({ entry }: { entry: StatusCodeEntry }) {
  const example = exampleExchange(entry);
  return (
    <details className="reference-entry" id={`status-${entry.code}`}>
      <summary>
        <strong>
          {entry.code} {entry.reason}
        </strong>
        {!entry.standard && <span className="muted"> (not a standard code)</span>}
        {entry.unused && <span className="muted"> (unused)</span>} — {entry.meaning}
      </summary>
      <dl>
        <dt>When you meet it</dt>
        <dd>{entry.when}</dd>
        {entry.next && (
          <>
            <dt>What to do next</dt>
            <dd>{entry.next}</dd>
          </>
        )}
        <dt>Comes with</dt>
        <dd>{entry.accompany?.length ? <ul>{entry.accompany.map((item) => <li key={item}>{item}</li>)}</ul> : 'Nothing in particular.'}</dd>
        <dt>Cacheable by default</dt>
        <dd>{entry.cacheableByDefault ? 'Yes: a cache may store it even without Cache-Control (RFC 9110 §15.1).' : 'No: only with explicit freshness, such as Cache-Control: max-age (RFC 9110 §15.1).'}</dd>
        <dt>Common mistake</dt>
        <dd>{entry.mistake}</dd>
        <dt>Defined in</dt>
        <dd>{entry.rfc}</dd>
        {example && (
          <>
            <dt>Example</dt>
            <dd>
              <pre className="reference-example">{example}</pre>
            </dd>
          </>
        )}
      </dl>
      {entry.readyRequest && <TryIt request={entry.readyRequest} what={`${entry.code} ${entry.reason}`} />}
    </details>
  );
}

function StatusCodes({ query }: { query: string }) {
  const codes = useReferenceStore(useShallow((s) => [...s.statusCodes.values()]));
  const unknownCodes = useReferenceStore((s) => s.unknownCodes);
  const shown = codes.filter((e) => matches(query, e.code, e.reason, e.meaning, e.when));
  return (
    <>
      {unknownCodes && <p className="muted">{unknownCodes}</p>}
      {CLASSES.map(({ digit, name }) => {
        const inClass = codes.filter((e) => Math.floor(e.code / 100) === digit);
        const registered = inClass.filter((e) => e.standard).length;
        const extra = inClass.length - registered;
        const list = shown.filter((e) => Math.floor(e.code / 100) === digit);
        return (
          <section key={digit} aria-label={`${digit}xx ${name}`}>
            <h3>
              {digit}xx {name}{' '}
              <span className="muted">
                — {registered} registered{extra > 0 ? `, plus ${inClass.filter((e) => !e.standard).map((e) => e.code).join(', ')}` : ''}
              </span>
            </h3>
            {list.length === 0 ? <p className="muted">No code in this class matches.</p> : list.map((entry) => <StatusCode key={entry.code} entry={entry} />)}
          </section>
        );
      })}
    </>
  );
}

function cacheableText(method: MethodEntry): string {
  if (!method.cacheable) return 'no';
  return method.cacheableWhen ? `yes, conditionally. ${method.cacheableWhen}` : 'yes';
}

function Methods({ query }: { query: string }) {
  const methods = useReferenceStore(useShallow((s) => s.methods.filter((m) => matches(query, m.name, m.meaning))));
  return (
    <div className="reference-table-wrap">
      <table className="reference-table">
        <caption>HTTP methods: safe, idempotent, cacheable (RFC 9110 §9.2)</caption>
        <thead>
          <tr>
            <th scope="col">Method</th>
            <th scope="col">Safe</th>
            <th scope="col">Idempotent</th>
            <th scope="col">Cacheable</th>
            <th scope="col">Body</th>
            <th scope="col">Meaning</th>
            <th scope="col">Defined in</th>
          </tr>
        </thead>
        <tbody>
          {methods.map((m) => (
            <tr key={m.name}>
              <th scope="row">
                <code>{m.name}</code>
              </th>
              <td>{m.safe ? 'yes' : 'no'}</td>
              <td>{m.idempotent ? 'yes' : 'no'}</td>
              <td>{cacheableText(m)}</td>
              <td>{m.body}</td>
              <td>{m.meaning}</td>
              <td>{m.rfc}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Header({ entry }: { entry: HeaderEntry }) {
  return (
    <details className="reference-entry" id={`header-${entry.name.toLowerCase()}`}>
      <summary>
        <strong>{entry.name}</strong> <span className="muted">({entry.direction === 'both' ? 'request and response' : entry.direction})</span> — {entry.meaning}
      </summary>
      <dl>
        <dt>Example</dt>
        <dd>
          <code>{entry.example}</code>
        </dd>
        {entry.values?.length ? (
          <>
            <dt>Common values</dt>
            <dd>{entry.values.map((v) => <code key={v}>{v}</code>).reduce<ReactNode[]>((all, v, i) => (i === 0 ? [v] : [...all, ', ', v]), [])}</dd>
          </>
        ) : null}
        <dt>Defined in</dt>
        <dd>{entry.rfc}</dd>
      </dl>
    </details>
  );
}

function Headers({ query }: { query: string }) {
  const headers = useReferenceStore(useShallow((s) => [...s.headers.values()].filter((h) => matches(query, h.name, h.meaning, h.example))));
  return (
    <>
      <p className="muted">{headers.length} headers. Names are case-insensitive (RFC 9110 §5.1).</p>
      {headers.map((entry) => (
        <Header key={entry.name} entry={entry} />
      ))}
    </>
  );
}

export default function ReferenceView() {
  const status = useReferenceStore((s) => s.status);
  const load = useReferenceStore((s) => s.load);
  const counts = useReferenceStore(useShallow((s) => [s.statusCodes.size, s.methods.length, s.headers.size]));
  const [tab, setTab] = useState<Tab>('codes');
  const [query, setQuery] = useState('');
  useEffect(() => {
    void load();
  }, [load]);
  const items = useMemo(
    () => [
      { id: 'codes', label: 'Status codes', badge: counts[0] },
      { id: 'methods', label: 'Methods', badge: counts[1] },
      { id: 'headers', label: 'Headers', badge: counts[2] },
    ],
    [counts],
  );
  return (
    <section className="reference" aria-label="Reference">
      <h2>Reference</h2>
      {status === 'failed' && (
        <p role="alert" className="banner-error">
          The reference could not be loaded. Reload the page to try again.
        </p>
      )}
      {status !== 'ready' && status !== 'failed' && <p className="muted">Loading the reference…</p>}
      {status === 'ready' && (
        <>
          <div className="reference-filter">
            <label>
              Search the reference{' '}
              <input type="search" value={query} onChange={(event) => setQuery(event.target.value)} placeholder="404, Location, idempotent…" />
            </label>
          </div>
          <Tabs label="Reference" items={items} selected={tab} onSelect={(id) => setTab(id as Tab)}>
            {tab === 'codes' && <StatusCodes query={query} />}
            {tab === 'methods' && <Methods query={query} />}
            {tab === 'headers' && <Headers query={query} />}
          </Tabs>
        </>
      )}
    </section>
  );
}
