// /inbox-view/<id>: one inbox on a page of its own — its address, a curl line, and what arrived, live.
// Reading an inbox needs its key: the page finds it in this browser's room membership, or asks for it.
import { useEffect, useId, useState } from 'react';
import type { CapturedRequest, InboxEvents, InboxRequests } from '../../../../server/protocol/classroom-types';
import { ApiError, apiFetch } from '../../lib/api-client';
import { CaptureList, CopyableCurl } from './captures';
import { useRoomStore } from './room-store';

/** Captures this page keeps on screen. */
const KEEP = 100;

/** The key of this inbox when this browser holds it (the room's inbox for its instructor, a student's own). */
function knownKey(id: string): string | undefined {
  const membership = useRoomStore.getState().membership;
  if (!membership) return undefined;
  const inbox = membership.role === 'instructor' ? membership.created.inbox : membership.joined.inbox;
  return inbox.id === id ? inbox.key : undefined;
}

function useInboxFeed(id: string, key: string | undefined) {
  const [captures, setCaptures] = useState<CapturedRequest[]>([]);
  const [error, setError] = useState<string>();
  const [live, setLive] = useState(false);
  useEffect(() => {
    if (!key) return;
    let source: EventSource | undefined;
    let stopped = false;
    const auth = { headers: { authorization: `Bearer ${key}` } };
    apiFetch<InboxRequests>(`/app/inboxes/${id}/requests`, auth).then(
      ({ requests, lastEventId }) => {
        if (stopped) return;
        setCaptures(requests.slice(-KEEP));
        setError(undefined);
        // From the list's last event on: every later capture exactly once, across reconnects.
        source = new EventSource(`/app/inboxes/${id}/events?key=${encodeURIComponent(key)}&lastEventId=${encodeURIComponent(lastEventId)}`);
        source.onopen = () => setLive(true);
        source.onerror = () => setLive(false);
        source.addEventListener('capture', (event) => {
          const { request } = JSON.parse((event as MessageEvent<string>).data) as InboxEvents['capture'];
          setCaptures((list) => [...list, request].slice(-KEEP));
        });
        source.addEventListener('inbox-cleared', () => setCaptures([]));
        source.addEventListener('inbox-closed', () => {
          source?.close();
          setLive(false);
          setError('This inbox was deleted or has expired.');
        });
      },
      (e: unknown) => setError(e instanceof ApiError ? e.message : String(e)),
    );
    return () => {
      stopped = true;
      source?.close();
    };
  }, [id, key]);
  return { captures, error, live };
}

export default function InboxView({ id }: { id: string }) {
  const [key, setKey] = useState(() => knownKey(id));
  const [typed, setTyped] = useState('');
  const { captures, error, live } = useInboxFeed(id, key);
  const keyId = useId();
  const address = `${window.location.origin}/inbox/${id}/`;
  return (
    <section className="classroom inbox-view" aria-label="Inbox">
      <h2>Inbox {id}</h2>
      <p>
        Send anything to <code>{address}</code> (any method, any path below it).
      </p>
      <CopyableCurl label="Terminal command for this inbox" command={`curl -i -X POST ${address}hello -H 'Content-Type: text/plain' -d 'hello from my terminal'`} />
      {!key ? (
        <form
          className="card"
          aria-label="Open the inbox"
          onSubmit={(e) => {
            e.preventDefault();
            setKey(typed.trim());
          }}
        >
          <label htmlFor={keyId}>The inbox's key (only its owner can read it)</label>
          <input id={keyId} value={typed} autoComplete="off" onChange={(e) => setTyped(e.target.value)} />
          <button type="submit" disabled={typed.trim() === ''}>
            Open
          </button>
        </form>
      ) : (
        <p className="muted" aria-live="polite">
          {live ? 'Live: new requests appear as they arrive.' : 'Connecting…'}
        </p>
      )}
      {error && (
        <p role="alert" className="banner-error">
          {error}
        </p>
      )}
      {key && <CaptureList captures={captures} />}
    </section>
  );
}
