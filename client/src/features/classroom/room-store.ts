// The classroom: which room this tab is in and as whom, and what arrived on the room's event stream.
// Credentials survive a reload (localStorage); the stream reconnects by itself with Last-Event-ID.
import { create } from 'zustand';
import { persist } from 'zustand/middleware';
import type { Transcript } from '../../../../server/protocol';
import type {
  Broadcast,
  CapturedRequest,
  FaultSettings,
  RoomCreated,
  RoomEvents,
  RoomPublic,
  RosterEntry,
  StudentJoined,
  TryThis,
} from '../../../../server/classroom/protocol';
import { ApiError, apiFetch, postJson } from '../../lib/api-client';

/** Most broadcasts and captures kept on screen. */
const KEEP = 50;

export type Membership =
  | { role: 'instructor'; code: string; key: string; created: RoomCreated }
  | { role: 'student'; code: string; key: string; joined: StudentJoined };

export interface RoomStore {
  membership: Membership | null;
  room: RoomPublic | null;
  connection: 'offline' | 'connecting' | 'live' | 'closed';
  faults: FaultSettings | null;
  broadcasts: Broadcast[];
  captures: CapturedRequest[];
  tryThis: TryThis[];
  roster: RosterEntry[];
  error: string | null;
  /** Broadcast every exchange the instructor sends. */
  broadcastAll: boolean;
  /** A student's choice to share their last exchange with the instructor (off until they choose). */
  shareMine: boolean;
  setShareMine: (on: boolean) => void;
  createRoom: (title?: string) => Promise<void>;
  joinRoom: (code: string, name: string) => Promise<void>;
  leave: () => void;
  connect: () => void;
  disconnect: () => void;
  setBroadcastAll: (on: boolean) => void;
  broadcast: (transcript: Transcript, note?: string) => Promise<void>;
  push: (draft: TryThis['draft'], message: string) => Promise<void>;
  setFaults: (faults: FaultSettings) => Promise<void>;
  shareProgress: (summary: { method: string; url: string; status: number | null; durationMs?: number }) => void;
  shareLesson: (progress: { lessonId: string; step: number; steps: number; completed: boolean }) => void;
  dismissTryThis: (index: number) => void;
}

let source: EventSource | null = null;

/** A call to one of the room's endpoints with this member's key. */
function roomCall<T = unknown>(member: Membership, method: 'POST' | 'PUT', action: string, body: unknown): Promise<T> {
  return apiFetch<T>(`/app/rooms/${member.code}/${action}`, {
    method,
    headers: { authorization: `Bearer ${member.key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

function keep<T>(list: T[], item: T): T[] {
  return [item, ...list].slice(0, KEEP);
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
      captures: [],
      tryThis: [],
      roster: [],
      error: null,
      broadcastAll: true,
      shareMine: false,
      setShareMine: (shareMine) => set({ shareMine }),

      createRoom: async (title) => {
        try {
          const created = await postJson<RoomCreated>('/app/rooms', title ? { title } : {});
          set({ membership: { role: 'instructor', code: created.code, key: created.instructorKey, created }, room: created, faults: created.faults, error: null, broadcasts: [], captures: [], roster: [] });
          get().connect();
        } catch (error) {
          set({ error: error instanceof ApiError ? error.message : String(error) });
        }
      },

      joinRoom: async (code, name) => {
        try {
          const joined = await postJson<StudentJoined>(`/app/rooms/${encodeURIComponent(code.trim().toUpperCase())}/join`, { name });
          set({ membership: { role: 'student', code: joined.room.code, key: joined.studentKey, joined }, room: joined.room, error: null, broadcasts: [], captures: [], tryThis: [] });
          get().connect();
        } catch (error) {
          set({ error: error instanceof ApiError ? error.message : String(error) });
        }
      },

      leave: () => {
        get().disconnect();
        set({ membership: null, room: null, broadcasts: [], captures: [], tryThis: [], roster: [], faults: null, connection: 'offline' });
      },

      connect: () => {
        const membership = get().membership;
        if (!membership) return;
        source?.close();
        set({ connection: 'connecting' });
        // EventSource cannot send headers, so the key goes in the query; it reconnects by itself and
        // sends Last-Event-ID, and the server replays what was missed.
        source = new EventSource(`/app/rooms/${membership.code}/events?key=${encodeURIComponent(membership.key)}`);
        const on = <K extends keyof RoomEvents>(name: K, handle: (data: RoomEvents[K]) => void) => {
          source!.addEventListener(name, (event) => handle(JSON.parse((event as MessageEvent<string>).data) as RoomEvents[K]));
        };
        source.onopen = () => set({ connection: 'live' });
        source.onerror = () => {
          if (get().connection !== 'closed') set({ connection: source?.readyState === EventSource.CLOSED ? 'offline' : 'connecting' });
        };
        on('state', (data) =>
          set((s) => ({
            room: data.room,
            faults: data.faults,
            roster: data.roster ?? s.roster,
            broadcasts: data.lastBroadcast && !s.broadcasts.some((b) => b.eventId === data.lastBroadcast!.eventId) ? keep(s.broadcasts, data.lastBroadcast) : s.broadcasts,
          })),
        );
        on('broadcast', (data) => set((s) => (s.broadcasts.some((b) => b.eventId === data.eventId) ? s : { broadcasts: keep(s.broadcasts, data) })));
        on('try-this', (data) => set((s) => ({ tryThis: keep(s.tryThis, data) })));
        on('faults', (data) => set({ faults: data.faults }));
        on('capture', (data) => set((s) => ({ captures: keep(s.captures, data.request) })));
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
        set({ connection: 'offline' });
      },

      setBroadcastAll: (broadcastAll) => set({ broadcastAll }),

      broadcast: async (transcript, note) => {
        const m = member('instructor');
        if (m) await roomCall(m, 'POST', 'broadcast', { transcript, ...(note ? { note } : {}) }).catch(reportError);
      },

      push: async (draft, message) => {
        const m = member('instructor');
        if (m) await roomCall(m, 'POST', 'push', { draft, message }).catch(reportError);
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
      partialize: (s) => ({ membership: s.membership, broadcastAll: s.broadcastAll, shareMine: s.shareMine }),
    },
  ),
);
