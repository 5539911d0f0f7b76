// The classroom: which room this tab is in and as whom, and what arrived on the room's event stream.
// Credentials survive a reload (localStorage); the stream reconnects by itself with Last-Event-ID.
import { create } from 'zustand';
import { persist } from 'zustand/middleware';
import type { Exchange, Transcript } from '../../../../server/protocol/api-types';
import { checkGoal } from '../../../../server/protocol/lesson-goals';
import type {
  Broadcast,
  CapturedRequest,
  ExchangeSummary,
  FaultSettings,
  PushedGoal,
  RoomCreated,
  RoomEvents,
  RoomInfo,
  RosterEntry,
  StudentJoined,
  TryThis,
} from '../../../../server/protocol/classroom-types';
import { ApiError, apiFetch, postJson } from '../../lib/api-client';

/** Most broadcasts and captures kept on screen. */
const KEEP = 50;
/** A student's latest exchanges checked against a pushed goal (goals such as "repeated" look back). */
const GOAL_HISTORY = 10;

export type Membership =
  | { role: 'instructor'; code: string; key: string; created: RoomCreated }
  | { role: 'student'; code: string; key: string; joined: StudentJoined };

export interface RoomStore {
  membership: Membership | null;
  room: RoomInfo | null;
  connection: 'offline' | 'connecting' | 'live' | 'closed';
  faults: FaultSettings | null;
  /** The instructor's exchanges, oldest first, as the server relayed them (secrets masked). */
  broadcasts: Broadcast[];
  /** Requests that reached the room's inbox, oldest first (senders' secrets masked). */
  roomCaptures: CapturedRequest[];
  /** Requests that reached this student's own inbox, oldest first. */
  myCaptures: CapturedRequest[];
  tryThis: TryThis[];
  /** The room's current goal (the latest push that had one). */
  goal: PushedGoal | null;
  /** A student's exchanges since the goal was pushed, and whether one reached it. */
  goalAttempt: { goalId: number; history: Exchange[]; reached: boolean } | null;
  roster: RosterEntry[];
  error: string | null;
  /** Broadcast every exchange the instructor sends. */
  broadcastAll: boolean;
  /** A student's choice to share their last exchange with the instructor (off until they choose). */
  shareMine: boolean;
  setShareMine: (on: boolean) => void;
  /** A student's choice to let the instructor show their sandbox data (off until they choose). */
  shareData: boolean;
  setShareData: (on: boolean) => Promise<void>;
  createRoom: (title?: string) => Promise<void>;
  /** Joins with a typed code, or with the code and join secret of a join link or QR code. */
  joinRoom: (code: string, name: string, secret?: string) => Promise<void>;
  leave: () => void;
  /** Opens the room's event stream; `resume` continues after the last event this page saw. */
  connect: (resume?: boolean) => void;
  disconnect: () => void;
  setBroadcastAll: (on: boolean) => void;
  broadcast: (transcript: Transcript, note?: string) => Promise<void>;
  push: (draft: TryThis['draft'], message: string) => Promise<void>;
  setFaults: (faults: FaultSettings) => Promise<void>;
  shareProgress: (summary: { method: string; url: string; status: number | null; durationMs?: number }) => void;
  shareLesson: (progress: { lessonId: string; step: number; steps: number; completed: boolean }) => void;
  /** A student's page checks each new exchange against the room's goal and reports where they stand. */
  checkGoal: (exchanges: Exchange[], summary: ExchangeSummary) => void;
  pushGoal: (draft: TryThis['draft'], message: string, goal: { goal: PushedGoal['goal']; description?: string } | undefined) => Promise<void>;
  dismissTryThis: (index: number) => void;
}

let source: EventSource | null = null;
/** Id of the last room event this page received, to resume after the browser gave up on a stream. */
let lastEventId = '';
let retryTimer: ReturnType<typeof setTimeout> | undefined;
let retryDelayMs = 0;
/** How long to wait before reopening a stream the browser closed (a 503 when the server is full, a
 *  restart): doubling from 2 s to at most 30 s, so a full server is not hammered by a whole class. */
const RETRY_FIRST_MS = 2_000;
const RETRY_MAX_MS = 30_000;

/** A call to one of the room's endpoints with this member's key. */
function roomCall<T = unknown>(member: Membership, method: 'POST' | 'PUT', action: string, body: unknown): Promise<T> {
  return apiFetch<T>(`/app/rooms/${member.code}/${action}`, {
    method,
    headers: { authorization: `Bearer ${member.key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

/** Appends, keeping the newest KEEP. Every event arrives once (the server's stream guarantees it), so
 *  nothing here drops an event as a repeat. */
function append<T>(list: T[], item: T): T[] {
  return [...list, item].slice(-KEEP);
}

/** Captures merged by their number in their inbox (the list fetched on reload meets live events). */
function mergeCaptures(list: CapturedRequest[], more: CapturedRequest[]): CapturedRequest[] {
  const byKey = new Map(list.map((c) => [`${c.inboxId}:${c.seq}`, c]));
  for (const c of more) byKey.set(`${c.inboxId}:${c.seq}`, c);
  return [...byKey.values()].sort((a, b) => a.seq - b.seq).slice(-KEEP);
}

export const useRoomStore = create<RoomStore>()(
  persist(
    (set, get) => {
      /** This tab's membership, when it has the given role. */
      const member = (role: Membership['role']) => {
        const m = get().membership;
        return m?.role === role ? m : undefined;
      };
      const reportError = (error: unknown) => set({ error: error instanceof ApiError ? error.message : String(error) });
      return {
      membership: null,
      room: null,
      connection: 'offline',
      faults: null,
      broadcasts: [],
      roomCaptures: [],
      myCaptures: [],
      tryThis: [],
      goal: null,
      goalAttempt: null,
      roster: [],
      error: null,
      broadcastAll: true,
      shareMine: false,
      setShareMine: (shareMine) => set({ shareMine }),
      shareData: false,
      setShareData: async (shareData) => {
        const m = member('student');
        if (!m) return;
        set({ shareData });
        await roomCall(m, 'POST', 'progress', { shareData }).catch((error: unknown) => {
          set({ shareData: !shareData });
          reportError(error);
        });
      },

      createRoom: async (title) => {
        try {
          const created = await postJson<RoomCreated>('/app/rooms', title ? { title } : {});
          set({ membership: { role: 'instructor', code: created.code, key: created.instructorKey, created }, room: created, faults: created.faults, error: null, broadcasts: [], roomCaptures: [], myCaptures: [], roster: [], goal: null });
          get().connect();
        } catch (error) {
          set({ error: error instanceof ApiError ? error.message : String(error) });
        }
      },

      joinRoom: async (code, name, secret) => {
        try {
          const joined = await postJson<StudentJoined>(`/app/rooms/${encodeURIComponent(code.trim())}/join`, { name, ...(secret ? { secret } : {}) });
          set({ membership: { role: 'student', code: joined.room.code, key: joined.studentKey, joined }, room: joined.room, error: null, broadcasts: [], roomCaptures: [], myCaptures: [], tryThis: [], goal: null, goalAttempt: null, shareData: false });
          get().connect();
        } catch (error) {
          set({ error: error instanceof ApiError ? error.message : String(error) });
        }
      },

      leave: () => {
        get().disconnect();
        set({ membership: null, room: null, broadcasts: [], roomCaptures: [], myCaptures: [], tryThis: [], roster: [], faults: null, goal: null, goalAttempt: null, shareData: false, connection: 'offline' });
      },

      connect: (resume = false) => {
        const membership = get().membership;
        if (!membership) return;
        source?.close();
        clearTimeout(retryTimer);
        set({ connection: 'connecting' });
        // EventSource cannot send headers, so the key goes in the query; it reconnects by itself and
        // sends Last-Event-ID, and the server replays what was missed. When the browser gives up (the
        // server answered 503, or restarted), the page opens a new stream from the last event it saw.
        if (!resume) lastEventId = '';
        const from = resume && lastEventId ? `&lastEventId=${encodeURIComponent(lastEventId)}` : '';
        source = new EventSource(`/app/rooms/${membership.code}/events?key=${encodeURIComponent(membership.key)}${from}`);
        const on = <K extends keyof RoomEvents>(name: K, handle: (data: RoomEvents[K], eventId: string) => void) => {
          source!.addEventListener(name, (event) => {
            const message = event as MessageEvent<string>;
            lastEventId = message.lastEventId;
            handle(JSON.parse(message.data) as RoomEvents[K], message.lastEventId);
          });
        };
        // A student's own inbox is read with its key: what arrived while the page was closed comes back.
        const inbox = membership.role === 'student' ? membership.joined.inbox : null;
        if (inbox) {
          apiFetch<{ requests: CapturedRequest[] }>(inbox.requestsUrl, { headers: { authorization: `Bearer ${inbox.key}` } }).then(
            ({ requests }) => set((s) => ({ myCaptures: mergeCaptures(s.myCaptures, requests) })),
            () => undefined,
          );
        }
        source.onopen = () => {
          retryDelayMs = 0;
          set({ connection: 'live' });
        };
        source.onerror = () => {
          if (get().connection === 'closed') return;
          if (source?.readyState !== EventSource.CLOSED) {
            set({ connection: 'connecting' });
            return;
          }
          retryDelayMs = Math.min(RETRY_MAX_MS, retryDelayMs === 0 ? RETRY_FIRST_MS : retryDelayMs * 2);
          set({ connection: 'offline' });
          retryTimer = setTimeout(() => get().connect(true), retryDelayMs);
        };
        // `state` starts every fresh connection (and follows a gap): it is the whole truth, so it replaces
        // what the page had. Events after it continue the lists; a reconnect replays only what was missed.
        on('state', (data) =>
          set((s) => ({
            room: data.room,
            faults: data.faults,
            roster: data.roster ?? s.roster,
            broadcasts: data.broadcasts.slice(-KEEP),
            roomCaptures: data.captures.slice(-KEEP),
            goal: data.goal,
            goalAttempt: data.goal && s.goalAttempt?.goalId === data.goal.id ? s.goalAttempt : null,
          })),
        );
        on('broadcast', (data, eventId) => set((s) => ({ broadcasts: append(s.broadcasts, { ...data, eventId }) })));
        on('try-this', (data) =>
          set((s) => ({
            tryThis: append(s.tryThis, data),
            ...(data.goal ? { goal: data.goal, goalAttempt: null, roster: s.roster.map((r) => ({ ...r, goal: null })) } : {}),
          })),
        );
        on('faults', (data) => set({ faults: data.faults }));
        on('capture', (data) =>
          set((s) => (data.scope === 'room' ? { roomCaptures: append(s.roomCaptures, data.request) } : { myCaptures: mergeCaptures(s.myCaptures, [data.request]) })),
        );
        on('student-joined', (data) => set((s) => ({ roster: [...s.roster.filter((r) => r.studentId !== data.student.studentId), data.student], room: s.room ? { ...s.room, students: s.room.students + 1 } : s.room })));
        on('presence', (data) =>
          set((s) => ({ roster: s.roster.map((r) => (r.studentId === data.studentId ? { ...r, connected: data.connected, connections: data.connections } : r)) })),
        );
        on('progress', (data) => set((s) => ({ roster: s.roster.map((r) => (r.studentId === data.student.studentId ? data.student : r)) })));
        on('room-closed', () => {
          source?.close();
          set({ connection: 'closed', error: 'The room has closed.' });
        });
      },

      disconnect: () => {
        source?.close();
        source = null;
        clearTimeout(retryTimer);
        set({ connection: 'offline' });
      },

      setBroadcastAll: (broadcastAll) => set({ broadcastAll }),

      broadcast: async (transcript, note) => {
        const m = member('instructor');
        if (m) await roomCall(m, 'POST', 'broadcast', { transcript, ...(note ? { note } : {}) }).catch(reportError);
      },

      push: async (draft, message) => get().pushGoal(draft, message, undefined),

      pushGoal: async (draft, message, goal) => {
        const m = member('instructor');
        if (m) await roomCall(m, 'POST', 'push', { draft, message, ...(goal ? { goal } : {}) }).catch(reportError);
      },

      checkGoal: (exchanges, summary) => {
        const m = member('student');
        const goal = get().goal;
        if (!m || !goal) return;
        const before = get().goalAttempt;
        const attempt = before?.goalId === goal.id ? before : { goalId: goal.id, history: [], reached: false };
        const history = [...attempt.history, ...exchanges].slice(-GOAL_HISTORY);
        const reached = attempt.reached || checkGoal(goal.goal, history).passed;
        set({ goalAttempt: { goalId: goal.id, history, reached } });
        // Only where the student stands goes to the instructor: method, path with query, status.
        if (!attempt.reached) void roomCall(m, 'POST', 'progress', { goal: { goalId: goal.id, reached, attempt: summary } }).catch(() => undefined);
      },

      setFaults: async (faults) => {
        const m = member('instructor');
        if (!m) return;
        const before = get().faults;
        // Show the switch flipped at once; the server's answer (and its event) confirm it.
        set({ faults });
        try {
          set({ faults: (await roomCall<{ faults: FaultSettings }>(m, 'PUT', 'faults', faults)).faults });
        } catch (error) {
          set({ faults: before });
          reportError(error);
        }
      },

      shareProgress: (summary) => {
        const m = member('student');
        if (m) void roomCall(m, 'POST', 'progress', { lastExchange: { ...summary, at: new Date().toISOString() } }).catch(() => undefined);
      },

      shareLesson: (progress) => {
        const m = member('student');
        if (m && get().shareMine) void roomCall(m, 'POST', 'progress', { progress }).catch(() => undefined);
      },

      dismissTryThis: (index) => set((s) => ({ tryThis: s.tryThis.filter((_, i) => i !== index) })),
      };
    },
    {
      name: 'http-sandbox:room',
      version: 1,
      partialize: (s) => ({ membership: s.membership, broadcastAll: s.broadcastAll, shareMine: s.shareMine, shareData: s.shareData }),
    },
  ),
);
