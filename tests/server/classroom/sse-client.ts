// A small Server-Sent Events client for tests: opens a stream with undici over a real socket, parses
// the event stream format itself, and lets a test await the next event (no sleeping, no polling).
import { Agent, request } from 'undici';

export interface SseEvent {
  id: string | undefined;
  event: string;
  data: string;
}

/** Parses an event stream chunk by chunk (lines end in CRLF, LF or CR), per the HTML standard §9.2.6. */
export class SseParser {
  #buffer = '';
  #data: string[] = [];
  #event = '';
  #id: string | undefined;
  #sawId = false;
  lastEventId: string | undefined;
  retry: number | undefined;

  constructor(
    private readonly onEvent: (event: SseEvent) => void,
    private readonly onComment: (text: string) => void = () => {},
  ) {}

  push(chunk: string): void {
    this.#buffer += chunk;
    for (;;) {
      const match = /\r\n|\r|\n/.exec(this.#buffer);
      // A lone CR at the end may be the first half of CRLF: wait for more.
      if (!match || (match[0] === '\r' && match.index === this.#buffer.length - 1)) return;
      const line = this.#buffer.slice(0, match.index);
      this.#buffer = this.#buffer.slice(match.index + match[0].length);
      this.#line(line);
    }
  }

  #line(line: string): void {
    if (line === '') {
      if (this.#sawId) this.lastEventId = this.#id;
      if (this.#data.length > 0) {
        this.onEvent({ id: this.#sawId ? this.#id : undefined, event: this.#event || 'message', data: this.#data.join('\n') });
      }
      this.#data = [];
      this.#event = '';
      this.#sawId = false;
      return;
    }
    if (line.startsWith(':')) {
      this.onComment(line.slice(1).trim());
      return;
    }
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.#data.push(value);
    else if (field === 'event') this.#event = value;
    else if (field === 'id') {
      this.#id = value;
      this.#sawId = true;
    } else if (field === 'retry' && /^\d+$/.test(value)) this.retry = Number(value);
  }
}

export interface OpenOptions {
  key?: string;
  /** Sent as the Last-Event-ID header, as a reconnecting EventSource does. */
  lastEventId?: string;
  headers?: Record<string, string>;
}

export class SseStream {
  readonly events: SseEvent[] = [];
  readonly comments: string[] = [];
  /** Every byte of the stream so far, as text (to search what a client really received). */
  raw = '';
  #read = 0;
  #waiters: (() => void)[] = [];
  #ended = false;
  readonly ended: Promise<void>;
  readonly parser: SseParser;

  private constructor(
    readonly status: number,
    readonly headers: Record<string, string | string[] | undefined>,
    private readonly agent: Agent,
    body: AsyncIterable<Buffer>,
  ) {
    const parser = new SseParser(
      (event) => {
        this.events.push(event);
        this.#wake();
      },
      (text) => {
        this.comments.push(text);
        this.#wake();
      },
    );
    this.parser = parser;
    this.ended = (async () => {
      try {
        for await (const chunk of body) {
          const text = chunk.toString('utf8');
          this.raw += text;
          parser.push(text);
        }
      } catch {
        // aborted by close(), or the server cut the connection
      } finally {
        this.#ended = true;
        this.#wake();
      }
    })();
  }

  static async open(origin: string, path: string, options: OpenOptions = {}): Promise<SseStream> {
    // A connection of its own, closed with the stream: the shared pool would open a spare connection
    // after an abort, which then holds up the server's close() until Node's idle check.
    const agent = new Agent({ connections: 1 });
    const headers: Record<string, string> = { accept: 'text/event-stream', ...options.headers };
    if (options.key) headers.authorization = `Bearer ${options.key}`;
    if (options.lastEventId !== undefined) headers['last-event-id'] = options.lastEventId;
    const response = await request(`${origin}${path}`, { headers, dispatcher: agent });
    return new SseStream(response.statusCode, response.headers, agent, response.body);
  }

  get isEnded(): boolean {
    return this.#ended;
  }

  #wake(): void {
    for (const waiter of this.#waiters.splice(0)) waiter();
  }

  async #until<T>(check: () => T | undefined, what: string): Promise<T> {
    for (;;) {
      const found = check();
      if (found !== undefined) return found;
      if (this.#ended) throw new Error(`The stream ended before ${what}; events: ${this.events.map((e) => `${e.id}:${e.event}`).join(', ')}`);
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
  }

  /** The next event not yet read. */
  next(): Promise<SseEvent> {
    return this.#until(() => (this.#read < this.events.length ? this.events[this.#read++] : undefined), 'the next event');
  }

  /** The next unread event of this type (events of other types before it are read past). */
  async nextOf(type: string): Promise<SseEvent> {
    return this.#until(() => {
      while (this.#read < this.events.length) {
        const event = this.events[this.#read++]!;
        if (event.event === type) return event;
      }
      return undefined;
    }, `a ${type} event`);
  }

  /** The data of the next event of this type, parsed as JSON. */
  async json<T = any>(type: string): Promise<T> {
    return JSON.parse((await this.nextOf(type)).data) as T;
  }

  /** Resolves when `count` comments have arrived in total. */
  waitForComments(count: number): Promise<string[]> {
    return this.#until(() => (this.comments.length >= count ? this.comments : undefined), `${count} comments`);
  }

  /** Leaves, as a browser tab that closes: the connection goes away. */
  close(): void {
    void this.agent.destroy();
  }
}
