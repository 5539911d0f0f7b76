// The classroom: create a room (instructor) or join one (student), then everything live. Loaded lazily,
// so learners who never join a room do not download it.
import { useEffect, useId, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { FaultSettings, InboxLink } from '../../../../server/classroom/protocol';
import { InboxResponseEditor } from './inbox-response-editor';
import { useDraftStore } from '../composer/draft-store';
import type { Draft } from '../composer/draft';
import { diagnose } from '../exchange/diagnose';
import { useExchangeStore } from '../exchange/exchange-store';
import { QrCode } from './qr-code';
import { usePresenterStore } from '../presenter/presenter-store';
import { useRoomStore } from './room-store';
import { useLessonStore } from '../lessons/lesson-store';

function origin(): string {
  return window.location.origin;
}

/** The code from /room/CODE, when the page was opened from a join link. */
export function codeFromLocation(): string | undefined {
  return /^\/room\/([A-Za-z]{4})\/?$/.exec(window.location.pathname)?.[1]?.toUpperCase();
}

function StartOrJoin() {
  const createRoom = useRoomStore((s) => s.createRoom);
  const joinRoom = useRoomStore((s) => s.joinRoom);
  const error = useRoomStore((s) => s.error);
  const [code, setCode] = useState(codeFromLocation() ?? '');
  const [name, setName] = useState('');
  const [title, setTitle] = useState('');
  const ids = { code: useId(), name: useId(), title: useId() };
  return (
    <div className="classroom-start">
      <form
        className="card"
        aria-label="Join a room"
        onSubmit={(e) => {
          e.preventDefault();
          void joinRoom(code, name);
        }}
      >
        <h2>Join a room</h2>
        <label htmlFor={ids.code}>Room code</label>
        <input id={ids.code} value={code} maxLength={4} autoComplete="off" className="room-code-input" onChange={(e) => setCode(e.target.value.toUpperCase())} />
        <label htmlFor={ids.name}>Your name</label>
        <input id={ids.name} value={name} maxLength={40} autoComplete="nickname" autoFocus={Boolean(codeFromLocation())} onChange={(e) => setName(e.target.value)} />
        <button type="submit" disabled={code.length !== 4 || name.trim() === ''}>
          Join
        </button>
      </form>
      <form
        className="card"
        aria-label="Start a room"
        onSubmit={(e) => {
          e.preventDefault();
          void createRoom(title.trim() || undefined);
        }}
      >
        <h2>Teaching? Start a room</h2>
        <label htmlFor={ids.title}>Title (optional)</label>
        <input id={ids.title} value={title} maxLength={80} onChange={(e) => setTitle(e.target.value)} />
        <button type="submit">Start a room</button>
      </form>
      {error && (
        <p role="alert" className="banner-error">
          {error}
        </p>
      )}
    </div>
  );
}

function FaultSwitches() {
  const faults = useRoomStore((s) => s.faults);
  const setFaults = useRoomStore((s) => s.setFaults);
  const id = useId();
  if (!faults) return null;
  const toggle = (key: 'status429' | 'status503' | 'drop') => void setFaults({ ...faults, [key]: !faults[key] });
  return (
    <fieldset className="faults">
      <legend>Fault switches (for everyone in the room)</legend>
      <label>
        <input type="checkbox" checked={faults.status503} onChange={() => toggle('status503')} /> Server overloaded (503 + Retry-After)
      </label>
      <label>
        <input type="checkbox" checked={faults.status429} onChange={() => toggle('status429')} /> Rate limited (429 + Retry-After)
      </label>
      <label>
        <input type="checkbox" checked={faults.drop} onChange={() => toggle('drop')} /> Drop connections
      </label>
      <label htmlFor={id}>Added latency: {faults.latencyMs} ms</label>
      <input id={id} type="range" min={0} max={3000} step={100} value={faults.latencyMs} onChange={(e) => void setFaults({ ...faults, latencyMs: Number(e.target.value) })} />
    </fieldset>
  );
}

function FaultBanner({ faults }: { faults: FaultSettings | null }) {
  if (!faults) return null;
  const on = [
    faults.status503 && 'the server answers 503 (overloaded)',
    faults.status429 && 'the server answers 429 (rate limited)',
    faults.drop && 'connections are dropped',
    faults.latencyMs > 0 && `every request takes ${faults.latencyMs} ms longer`,
  ].filter(Boolean);
  if (on.length === 0) return null;
  return (
    <p role="status" className="fault-banner">
      The instructor switched on a fault: {on.join(', ')}.
    </p>
  );
}

function Feed() {
  const broadcasts = useRoomStore((s) => s.broadcasts);
  const show = useExchangeStore((s) => s.show);
  const load = useDraftStore((s) => s.load);
  if (broadcasts.length === 0) return <p className="muted">Exchanges the instructor sends appear here, live.</p>;
  return (
    <ol className="feed" aria-label="Live exchanges">
      {broadcasts.map((b, index) => {
        const last = b.transcript.exchanges.at(-1)!;
        const first = b.transcript.exchanges[0]!;
        const url = new URL(first.request.url);
        const status = last.response ? `${last.response.status} ${last.response.reason}` : 'no response';
        return (
          <li key={b.eventId ?? index} className={`feed-item status-${last.response ? String(last.response.status)[0] : 'e'}xx`}>
            <p>
              <code>
                {first.request.method} {url.pathname}
                {url.search}
              </code>{' '}
              → <strong>{status}</strong>
            </p>
            <p className="muted">{b.note ?? diagnose(last).summary}</p>
            <button
              type="button"
              className="secondary"
              onClick={() => {
                const draft = useDraftStore.getState().draft;
                load({ ...draft, method: first.request.method, url: `${url.pathname}${url.search}` });
                show(b.transcript, { ...draft, method: first.request.method, url: `${url.pathname}${url.search}` });
              }}
            >
              Look at it
            </button>
          </li>
        );
      })}
    </ol>
  );
}

function Captures({ inbox }: { inbox: InboxLink }) {
  const captures = useRoomStore((s) => s.captures);
  const full = `${origin()}${inbox.url}`;
  return (
    <section className="captures" aria-label="Inbox">
      <h3>Inbox</h3>
      <p>
        Send anything to <code>{full}</code> — for example <code>curl -i -X POST {full}hello -d 'hi'</code> — and it appears here with its raw headers.
      </p>
      <InboxResponseEditor inbox={inbox} />
      {captures.length === 0 ? (
        <p className="muted">Nothing has arrived yet.</p>
      ) : (
        <ol className="capture-list" aria-label="Captured requests">
          {captures.map((c) => (
            <li key={`${c.inboxId}-${c.seq}`}>
              <details>
                <summary>
                  <code>
                    {c.method} {c.target}
                  </code>{' '}
                  <span className="muted">
                    from {c.remoteAddress} · {c.headers.find(([n]) => n.toLowerCase() === 'user-agent')?.[1] ?? 'no User-Agent'}
                  </span>
                </summary>
                <pre>{c.raw}</pre>
              </details>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

function Roster() {
  const roster = useRoomStore(useShallow((s) => s.roster));
  if (roster.length === 0) return <p className="muted">No students yet.</p>;
  return (
    <table className="headers roster" aria-label="Roster">
      <thead>
        <tr>
          <th scope="col">Student</th>
          <th scope="col">Online</th>
          <th scope="col">Last exchange</th>
          <th scope="col">Lesson</th>
        </tr>
      </thead>
      <tbody>
        {roster.map((r) => (
          <tr key={r.studentId}>
            <th scope="row">{r.name}</th>
            <td>{r.connected ? 'yes' : 'no'}</td>
            <td>{r.lastExchange ? `${r.lastExchange.method} ${r.lastExchange.url} → ${r.lastExchange.status ?? 'no response'}` : '—'}</td>
            <td>{r.progress ? `${r.progress.lessonId}: step ${r.progress.step}${r.progress.steps ? ` of ${r.progress.steps}` : ''}${r.progress.completed ? ' ✓' : ''}` : '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function InstructorView() {
  const membership = useRoomStore((s) => s.membership);
  const room = useRoomStore((s) => s.room);
  const connection = useRoomStore((s) => s.connection);
  const broadcastAll = useRoomStore((s) => s.broadcastAll);
  const setBroadcastAll = useRoomStore((s) => s.setBroadcastAll);
  const push = useRoomStore((s) => s.push);
  const leave = useRoomStore((s) => s.leave);
  const [message, setMessage] = useState('Try this:');
  const presenting = usePresenterStore((s) => s.presenting);
  const ids = { all: useId(), message: useId() };
  if (membership?.role !== 'instructor' || !room) return null;
  const joinLink = `${origin()}${room.joinUrl}`;
  return (
    <div className="classroom-room">
      <div className="room-banner">
        <div>
          <p className="muted">Join at {joinLink} with the code</p>
          <p className="room-code" aria-label="Room code">
            {room.code}
          </p>
          <p aria-live="polite">
            <strong>{room.students}</strong> {room.students === 1 ? 'student' : 'students'} joined · {connection}
          </p>
        </div>
        <QrCode text={joinLink} label={`QR code for ${joinLink}`} />
      </div>
      <details className="room-section" open={!presenting}>
        <summary>Controls: broadcast, push, fault switches</summary>
      <div className="room-controls">
        <div className="send-options">
          <input id={ids.all} type="checkbox" checked={broadcastAll} onChange={(e) => setBroadcastAll(e.target.checked)} />
          <label htmlFor={ids.all}>Show my exchanges to the room</label>
        </div>
        <div className="push">
          <label htmlFor={ids.message}>Message</label>
          <input id={ids.message} value={message} onChange={(e) => setMessage(e.target.value)} />
          <button type="button" className="secondary" onClick={() => void push(useDraftStore.getState().draft as unknown as { method: string; url: string }, message)}>
            Push my request to everyone
          </button>
        </div>
        <FaultSwitches />
      </div>
      </details>
      <details className="room-section" open={!presenting}>
        <summary>Roster ({room.students})</summary>
        <Roster />
      </details>
      <details className="room-section" open>
        <summary>Room inbox</summary>
        <Captures inbox={membership.created.inbox} />
      </details>
      <button type="button" className="secondary" onClick={leave}>
        Leave the room
      </button>
    </div>
  );
}

function StudentView() {
  const membership = useRoomStore((s) => s.membership);
  const room = useRoomStore((s) => s.room);
  const connection = useRoomStore((s) => s.connection);
  const faults = useRoomStore((s) => s.faults);
  const tryThis = useRoomStore(useShallow((s) => s.tryThis));
  const dismiss = useRoomStore((s) => s.dismissTryThis);
  const load = useDraftStore((s) => s.load);
  const leave = useRoomStore((s) => s.leave);
  const share = useRoomStore((s) => s.shareMine);
  const setShare = useRoomStore((s) => s.setShareMine);
  const shareId = useId();
  if (membership?.role !== 'student' || !room) return null;
  return (
    <div className="classroom-room">
      <p>
        You are in room <strong>{room.code}</strong>
        {room.title ? ` (${room.title})` : ''} as <strong>{membership.joined.name}</strong> · <span aria-live="polite">{connection}</span>
      </p>
      <FaultBanner faults={faults} />
      <div className="send-options">
        <input id={shareId} type="checkbox" checked={share} onChange={(e) => setShare(e.target.checked)} />
        <label htmlFor={shareId}>Share my last exchange with the instructor</label>
      </div>
      {tryThis.map((t, index) => (
        <div key={index} className="try-this" role="note" aria-label="Try this">
          <p>
            <strong>{t.message}</strong> <code>{t.draft.method} {t.draft.url}</code>
          </p>
          <button
            type="button"
            onClick={() => {
              load(t.draft as unknown as Draft);
              dismiss(index);
            }}
          >
            Put it in my composer
          </button>
        </div>
      ))}
      <Feed />
      <Captures inbox={membership.joined.inbox} />
      <button type="button" className="secondary" onClick={leave}>
        Leave the room
      </button>
    </div>
  );
}

/** Keeps the room in step with the composer: the room's sandbox, and each new exchange shared. */
function useRoomSync() {
  const membership = useRoomStore((s) => s.membership);
  const connect = useRoomStore((s) => s.connect);
  const adoptSandbox = useExchangeStore((s) => s.adoptSandbox);
  useEffect(() => {
    if (!membership) return;
    adoptSandbox(membership.role === 'instructor' ? membership.created.sandbox : membership.joined.sandbox);
    connect();
    return () => useRoomStore.getState().disconnect();
  }, [membership, adoptSandbox, connect]);
  useEffect(
    () =>
      useExchangeStore.subscribe((state, previous) => {
        if (state.sentCount === previous.sentCount || !state.transcript) return;
        const room = useRoomStore.getState();
        const last = state.transcript.exchanges.at(-1)!;
        if (room.membership?.role === 'instructor' && room.broadcastAll) void room.broadcast(state.transcript);
        if (room.membership?.role === 'student' && room.shareMine) {
          const lessons = useLessonStore.getState();
          if (lessons.openId) {
            const lesson = lessons.lessons[lessons.openId];
            const progress = lessons.progress[lessons.openId];
            if (lesson && progress) room.shareLesson({ lessonId: lesson.id, step: progress.step + 1, steps: lesson.steps.length, completed: progress.done.length === lesson.steps.length });
          }
          room.shareProgress({ method: last.request.method, url: new URL(last.request.url).pathname, status: last.response?.status ?? null, durationMs: Math.round(last.timings.completeMs) });
        }
      }),
    [],
  );
}

export default function ClassroomPanel() {
  const membership = useRoomStore((s) => s.membership);
  useRoomSync();
  return (
    <section className="classroom" aria-label="Classroom">
      {!membership ? <StartOrJoin /> : membership.role === 'instructor' ? <InstructorView /> : <StudentView />}
    </section>
  );
}
