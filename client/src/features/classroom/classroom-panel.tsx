// The classroom: create a room (instructor) or join one (student), then everything live. Loaded lazily,
// so learners who never join a room do not download it.
import { useEffect, useId, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { Broadcast, FaultSettings, InboxLink, PushedGoal, RosterEntry } from '../../../../server/protocol/classroom-types';
import { InboxResponseEditor } from './inbox-response-editor';
import type { Draft } from '../../lib/draft';
import { diagnose } from '../../lib/diagnose';
import type { OnSent } from '../../lib/sent-exchange';
import { useCookieJarStore } from '../../stores/cookie-jar-store';
import { useDraftStore } from '../../stores/draft-store';
import { useExchangeStore } from '../../stores/exchange-store';
import { usePresenterStore } from '../../stores/presenter-store';
import { QrCode } from './qr-code';
import { useRoomStore } from './room-store';
import { GoalPicker } from './goal-picker';
import { CaptureList, CopyableCurl } from './captures';

function origin(): string {
  return window.location.origin;
}

/** Letters in a room code (the server's ROOM_CODE_LENGTH); typed with or without the dash. */
const CODE_LETTERS = 8;

/** The code from /room/CODE, when the page was opened from a join link. */
export function codeFromLocation(): string | undefined {
  return /^\/room\/([A-Za-z]{4}-?[A-Za-z]{4})\/?$/.exec(window.location.pathname)?.[1]?.replace('-', '').toUpperCase();
}

/** The join secret a join link or QR code carries after # (never sent to the server with the page). */
function joinSecretFromLocation(): string | undefined {
  return /(?:^#|&)join=([A-Za-z0-9_-]+)/.exec(window.location.hash)?.[1];
}

/** A code as the projector shows it: two groups of four, KXMP-QRTW, easy to read out and type. */
export function showCode(code: string): string {
  return code.length === CODE_LETTERS ? `${code.slice(0, 4)}-${code.slice(4)}` : code;
}

/** Method, path with query: what a roster or feed line shows of a URL. */
function pathOf(url: string): string {
  try {
    const parsed = new URL(url, origin());
    return `${parsed.pathname}${parsed.search}`;
  } catch {
    return url;
  }
}

function StartOrJoin() {
  const createRoom = useRoomStore((s) => s.createRoom);
  const joinRoom = useRoomStore((s) => s.joinRoom);
  const error = useRoomStore((s) => s.error);
  const linked = codeFromLocation();
  const [code, setCode] = useState(linked ? showCode(linked) : '');
  // The secret counts only with the code of the link it came in.
  const secret = joinSecretFromLocation();
  const typedLetters = code.replace(/[^A-Za-z]/g, '');
  const [name, setName] = useState('');
  const [title, setTitle] = useState('');
  const ids = { code: useId(), codeHint: useId(), name: useId(), title: useId() };
  return (
    <div className="classroom-start">
      <form
        className="card"
        aria-label="Join a room"
        onSubmit={(e) => {
          e.preventDefault();
          void joinRoom(code, name, linked && typedLetters.toUpperCase() === linked ? secret : undefined);
        }}
      >
        <h2>Join a room</h2>
        <label htmlFor={ids.code}>Room code</label>
        <input
          id={ids.code}
          value={code}
          maxLength={12}
          autoComplete="off"
          autoCapitalize="characters"
          spellCheck={false}
          aria-describedby={ids.codeHint}
          className="room-code-input"
          onChange={(e) => setCode(e.target.value.toUpperCase())}
        />
        <small id={ids.codeHint} className="hint">
          {CODE_LETTERS} letters, as on the projector (the dash is optional)
        </small>
        <label htmlFor={ids.name}>Your name</label>
        <input id={ids.name} value={name} maxLength={40} autoComplete="nickname" autoFocus={Boolean(codeFromLocation())} onChange={(e) => setName(e.target.value)} />
        <button type="submit" disabled={typedLetters.length !== CODE_LETTERS || name.trim() === ''}>
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

/** One large on/off switch (a checkbox with the switch role: keyboard and screen readers know it). */
function Toggle({ label, checked, onChange }: { label: string; checked: boolean; onChange: () => void }) {
  const id = useId();
  return (
    <div className="toggle">
      <input id={id} type="checkbox" role="switch" checked={checked} onChange={onChange} />
      <label htmlFor={id}>{label}</label>
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
      <Toggle label="Server overloaded (503 + Retry-After)" checked={faults.status503} onChange={() => toggle('status503')} />
      <Toggle label="Rate limited (429 + Retry-After)" checked={faults.status429} onChange={() => toggle('status429')} />
      <Toggle label="Drop connections" checked={faults.drop} onChange={() => toggle('drop')} />
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

function FeedItem({ broadcast }: { broadcast: Broadcast }) {
  const show = useExchangeStore((s) => s.show);
  const load = useDraftStore((s) => s.load);
  const last = broadcast.transcript.exchanges.at(-1)!;
  const first = broadcast.transcript.exchanges[0]!;
  const path = pathOf(first.request.url);
  const status = last.response ? `${last.response.status} ${last.response.reason}` : 'no response';
  return (
    <li className={`feed-item status-${last.response ? String(last.response.status)[0] : 'e'}xx`} aria-label={`Exchange ${broadcast.seq}: ${first.request.method} ${path} → ${status}`}>
      <p>
        <span className="muted">#{broadcast.seq}</span>{' '}
        <code>
          {first.request.method} {path}
        </code>{' '}
        → <strong>{status}</strong>
      </p>
      <p>{broadcast.note ?? diagnose(last).summary}</p>
      {broadcast.hidden.length > 0 && <p className="muted redaction-note">Hidden from the room: {broadcast.hidden.join('; ')}.</p>}
      <button
        type="button"
        className="secondary"
        onClick={() => {
          const draft = useDraftStore.getState().draft;
          const next = { ...draft, method: first.request.method, url: path };
          load(next);
          show(broadcast.transcript);
        }}
      >
        Look at #{broadcast.seq}
      </button>
    </li>
  );
}

/** The instructor's exchanges, oldest first, the newest scrolled into view. */
function Feed() {
  const broadcasts = useRoomStore(useShallow((s) => s.broadcasts));
  const list = useRef<HTMLOListElement>(null);
  useEffect(() => {
    const element = list.current;
    if (element) element.scrollTop = element.scrollHeight;
  }, [broadcasts]);
  if (broadcasts.length === 0) return <p className="muted">Exchanges the instructor sends appear here, live.</p>;
  return (
    <ol className="feed" aria-label="Live exchanges" ref={list}>
      {broadcasts.map((b) => (
        <FeedItem key={b.seq} broadcast={b} />
      ))}
    </ol>
  );
}

/** Where a room's or student's inbox lives, with a curl line to copy. */
function InboxAddress({ url, who }: { url: string; who: string }) {
  const full = `${origin()}${url}`;
  return (
    <div className="inbox-address">
      <p>
        Send anything to <code>{full}</code> (any method, any path below it): it appears here with its raw headers.
      </p>
      <CopyableCurl label={`Terminal command for ${who}`} command={`curl -i -X POST ${full}hello -H 'Content-Type: text/plain' -d 'hello from my terminal'`} />
    </div>
  );
}

function GoalCell({ entry, goal }: { entry: RosterEntry; goal: PushedGoal | null }) {
  if (!goal) return <>—</>;
  const report = entry.goal?.goalId === goal.id ? entry.goal : null;
  if (!report) return <span className="goal-none">not tried</span>;
  const attempt = `${report.attempt.method} ${report.attempt.url} → ${report.attempt.status ?? 'no response'}`;
  return report.state === 'reached' ? (
    <span className="goal-reached">
      reached ✓ <span className="muted">({attempt})</span>
    </span>
  ) : (
    <span className="goal-not-yet">
      not yet <span className="muted">({attempt})</span>
    </span>
  );
}

/** Someone's sandbox data on screen instead of the instructor's own (a student who shares it). */
type ShowData = (shown: { sandbox: string; label: string }) => void;

function Roster({ showData }: { showData: ShowData }) {
  const roster = useRoomStore(useShallow((s) => s.roster));
  const goal = useRoomStore((s) => s.goal);
  if (roster.length === 0) return <p className="muted">No students yet.</p>;
  const reached = goal ? roster.filter((r) => r.goal?.goalId === goal.id && r.goal.state === 'reached').length : 0;
  return (
    <>
      {goal && (
        <p aria-live="polite">
          Goal: {goal.description} — <strong>{reached}</strong> of {roster.length} reached it.
        </p>
      )}
      <div className="table-scroll">
        <table className="headers roster" aria-label="Roster">
          <thead>
            <tr>
              <th scope="col">Student</th>
              <th scope="col">Online</th>
              <th scope="col">Goal</th>
              <th scope="col">Last exchange (shared)</th>
              <th scope="col">Lesson</th>
              <th scope="col">Data</th>
            </tr>
          </thead>
          <tbody>
            {roster.map((r) => (
              <tr key={r.studentId}>
                <th scope="row">{r.name}</th>
                <td>{r.connected ? 'yes' : 'no'}</td>
                <td>
                  <GoalCell entry={r} goal={goal} />
                </td>
                <td>{r.lastExchange ? `${r.lastExchange.method} ${r.lastExchange.url} → ${r.lastExchange.status ?? 'no response'}` : '—'}</td>
                <td>{r.progress ? `${r.progress.lessonId}: step ${r.progress.step}${r.progress.steps ? ` of ${r.progress.steps}` : ''}${r.progress.completed ? ' ✓' : ''}` : '—'}</td>
                <td>
                  {r.sharedSandbox ? (
                    <button type="button" className="secondary" onClick={() => showData({ sandbox: r.sharedSandbox!, label: r.name })}>
                      Show {r.name}'s data
                    </button>
                  ) : (
                    '—'
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

function PushControls() {
  const pushGoal = useRoomStore((s) => s.pushGoal);
  const [message, setMessage] = useState('Try this:');
  const [goal, setGoal] = useState<{ goal: PushedGoal['goal']; description: string } | undefined>();
  const id = useId();
  return (
    <div className="push">
      <label htmlFor={id}>Message</label>
      <input id={id} value={message} onChange={(e) => setMessage(e.target.value)} />
      <GoalPicker onChange={setGoal} />
      <button type="button" className="secondary" onClick={() => void pushGoal(useDraftStore.getState().draft as unknown as { method: string; url: string }, message, goal)}>
        Push my request to everyone
      </button>
    </div>
  );
}

/** A button that shows or hides one panel of the room strip. */
function PanelToggle({ label, open, onToggle }: { label: string; open: boolean; onToggle: () => void }) {
  return (
    <button type="button" className="secondary strip-button" aria-expanded={open} onClick={onToggle}>
      {label}
    </button>
  );
}

type Panel = 'qr' | 'controls' | 'roster' | 'inbox';

function InstructorView({ showData }: { showData: ShowData }) {
  const membership = useRoomStore((s) => s.membership);
  const room = useRoomStore((s) => s.room);
  const connection = useRoomStore((s) => s.connection);
  const broadcastAll = useRoomStore((s) => s.broadcastAll);
  const setBroadcastAll = useRoomStore((s) => s.setBroadcastAll);
  const captures = useRoomStore(useShallow((s) => s.roomCaptures));
  const leave = useRoomStore((s) => s.leave);
  const presenting = usePresenterStore((s) => s.presenting);
  const allId = useId();
  const linkId = useId();
  // On the projector the room is a one-line strip and every panel opens on demand, so the live exchange
  // stays above the fold; at a desk everything is open.
  const everything = (on: boolean): Record<Panel, boolean> => ({ qr: on, controls: on, roster: on, inbox: on });
  const [open, setOpen] = useState<Record<Panel, boolean>>(() => everything(!presenting));
  useEffect(() => setOpen(everything(!presenting)), [presenting]);
  if (membership?.role !== 'instructor' || !room) return null;
  const joinPage = `${origin()}${room.joinUrl}`;
  // The QR code carries the join secret: scanning it always works, even when wrong codes are refused.
  const qrLink = `${origin()}${membership.created.joinLink}`;
  const toggle = (panel: Panel) => setOpen((o) => ({ ...o, [panel]: !o[panel] }));
  return (
    <div className="classroom-room">
      <div className="room-strip" role="group" aria-label="Room">
        <span className="room-code" aria-label="Room code">
          {showCode(room.code)}
        </span>
        <span className="join-at">
          Join at <strong>{joinPage.replace(/^https?:\/\//, '')}</strong>
        </span>
        <span aria-live="polite" className="student-count">
          <strong>{room.students}</strong> {room.students === 1 ? 'student' : 'students'} joined · {connection}
        </span>
        <span className="strip-buttons">
          <PanelToggle label={open.qr ? 'Hide QR code' : 'Show QR code'} open={open.qr} onToggle={() => toggle('qr')} />
          <PanelToggle label={`Inbox (${captures.length})`} open={open.inbox} onToggle={() => toggle('inbox')} />
          <PanelToggle label="Roster" open={open.roster} onToggle={() => toggle('roster')} />
          <PanelToggle label="Controls" open={open.controls} onToggle={() => toggle('controls')} />
        </span>
      </div>
      {open.qr && (
        <div className="room-qr">
          <QrCode text={qrLink} label={`QR code that joins room ${showCode(room.code)}`} />
          <label htmlFor={linkId}>Join link to share (it works even when typed codes are refused)</label>
          <input id={linkId} readOnly value={qrLink} className="join-link" onFocus={(e) => e.target.select()} />
        </div>
      )}
      {open.controls && (
        <section className="room-controls" aria-label="Controls">
          <div className="send-options">
            <input id={allId} type="checkbox" checked={broadcastAll} onChange={(e) => setBroadcastAll(e.target.checked)} />
            <label htmlFor={allId}>Show my exchanges to the room</label>
          </div>
          <PushControls />
          <FaultSwitches />
          <button type="button" className="secondary" onClick={leave}>
            Leave the room
          </button>
        </section>
      )}
      {open.roster && (
        <section className="room-section" aria-label={`Roster (${room.students})`}>
          <Roster showData={showData} />
        </section>
      )}
      {open.inbox && (
        <section className="captures" aria-label="Room inbox">
          <h3>Room inbox</h3>
          <InboxAddress url={room.inboxUrl} who="the room inbox" />
          <InboxResponseEditor inbox={membership.created.inbox} />
          <CaptureList captures={captures} />
        </section>
      )}
    </div>
  );
}

function TryThisCard({ tryThis, index }: { tryThis: { draft: Record<string, unknown> & { method: string; url: string }; message: string; goal?: PushedGoal }; index: number }) {
  const load = useDraftStore((s) => s.load);
  const dismiss = useRoomStore((s) => s.dismissTryThis);
  const attempt = useRoomStore((s) => s.goalAttempt);
  const current = useRoomStore((s) => s.goal);
  const goal = tryThis.goal;
  const live = goal && current?.id === goal.id;
  const state = !live ? undefined : attempt?.goalId === goal.id ? (attempt.reached ? 'Reached ✓' : 'Not yet: keep trying') : 'Not tried yet';
  return (
    <div className="try-this" role="note" aria-label="Try this">
      <p>
        <strong>{tryThis.message}</strong>{' '}
        <code>
          {tryThis.draft.method} {tryThis.draft.url}
        </code>
      </p>
      {goal && (
        <p>
          Goal: {goal.description}
          {state && (
            <>
              {' '}
              — <strong aria-live="polite">{state}</strong>
            </>
          )}
        </p>
      )}
      <button
        type="button"
        onClick={() => {
          load(tryThis.draft as unknown as Draft);
          if (!goal) dismiss(index);
        }}
      >
        Put it in my composer
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
  const roomCaptures = useRoomStore(useShallow((s) => s.roomCaptures));
  const myCaptures = useRoomStore(useShallow((s) => s.myCaptures));
  const leave = useRoomStore((s) => s.leave);
  const share = useRoomStore((s) => s.shareMine);
  const setShare = useRoomStore((s) => s.setShareMine);
  const shareData = useRoomStore((s) => s.shareData);
  const setShareData = useRoomStore((s) => s.setShareData);
  const shareId = useId();
  const dataId = useId();
  if (membership?.role !== 'student' || !room) return null;
  const inbox: InboxLink = membership.joined.inbox;
  return (
    <div className="classroom-room">
      <p>
        You are in room <strong>{showCode(room.code)}</strong>
        {room.title ? ` (${room.title})` : ''} as <strong>{membership.joined.name}</strong> · <span aria-live="polite">{connection}</span>
      </p>
      <FaultBanner faults={faults} />
      <div className="send-options">
        <input id={shareId} type="checkbox" checked={share} onChange={(e) => setShare(e.target.checked)} />
        <label htmlFor={shareId}>Share my last exchange with the instructor</label>
      </div>
      <div className="send-options">
        <input id={dataId} type="checkbox" checked={shareData} onChange={(e) => void setShareData(e.target.checked)} />
        <label htmlFor={dataId}>Let the instructor show my data (books, comments…) on the projector</label>
      </div>
      {tryThis.map((t, index) => (
        <TryThisCard key={index} tryThis={t} index={index} />
      ))}
      <section aria-label="The instructor's exchanges">
        <h3>The instructor’s exchanges</h3>
        <Feed />
      </section>
      <section className="captures" aria-label="Room inbox">
        <h3>Room inbox</h3>
        <InboxAddress url={room.inboxUrl} who="the room inbox" />
        <CaptureList captures={roomCaptures} />
      </section>
      <details className="room-section">
        <summary>Your own inbox ({myCaptures.length})</summary>
        <section className="captures" aria-label="Your inbox">
          <InboxAddress url={inbox.url} who="your inbox" />
          <p>
            <a href={inbox.viewUrl}>Open your inbox on its own page</a>
          </p>
          <InboxResponseEditor inbox={inbox} />
          <CaptureList captures={myCaptures} />
        </section>
      </details>
      <button type="button" className="secondary" onClick={leave}>
        Leave the room
      </button>
    </div>
  );
}

/** Where the learner stands in the open lesson, if one is open (the lessons feature knows; the app level asks it). */
type LessonProgress = () => Promise<{ lessonId: string; step: number; steps: number; completed: boolean } | undefined>;

/** Keeps the room in step with the composer: the room's sandbox, and each new exchange shared. */
function useRoomSync(onSent: OnSent, lessonProgress: LessonProgress) {
  const membership = useRoomStore((s) => s.membership);
  const connect = useRoomStore((s) => s.connect);
  const adoptSandbox = useCookieJarStore((s) => s.adoptSandbox);
  useEffect(() => {
    if (!membership) return;
    adoptSandbox(membership.role === 'instructor' ? membership.created.sandbox : membership.joined.sandbox, origin());
    connect();
    return () => useRoomStore.getState().disconnect();
  }, [membership, adoptSandbox, connect]);
  useEffect(
    () =>
      onSent(({ transcript }) => {
        const room = useRoomStore.getState();
        const last = transcript.exchanges.at(-1)!;
        if (room.membership?.role === 'instructor' && room.broadcastAll) void room.broadcast(transcript);
        if (room.membership?.role !== 'student') return;
        const summary = { method: last.request.method, url: pathOf(last.request.url), status: last.response?.status ?? null, durationMs: Math.round(last.timings.completeMs) };
        room.checkGoal(transcript.exchanges, summary);
        if (!room.shareMine) return;
        // The lesson step first, then the exchange, as the roster shows them side by side.
        void lessonProgress().then(
          (progress) => {
            if (progress) room.shareLesson(progress);
            room.shareProgress(summary);
          },
          () => room.shareProgress(summary),
        );
      }),
    [onSent, lessonProgress],
  );
}

/**
 * The classroom. From the app level: `onSent` (each send, for the room's goal and sharing), `lessonProgress`
 * (the open lesson's step, which a student may share) and `showData` (a student's data on the projector).
 */
export default function ClassroomPanel({ onSent, lessonProgress, showData }: { onSent: OnSent; lessonProgress: LessonProgress; showData: ShowData }) {
  const membership = useRoomStore((s) => s.membership);
  useRoomSync(onSent, lessonProgress);
  return (
    <section className="classroom" aria-label="Classroom">
      {!membership ? <StartOrJoin /> : membership.role === 'instructor' ? <InstructorView showData={showData} /> : <StudentView />}
    </section>
  );
}

