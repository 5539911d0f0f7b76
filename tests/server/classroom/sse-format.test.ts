import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { EventStream, formatSseComment, formatSseMessage } from '../../../server/classroom/sse';
import { SseParser, type SseEvent } from './sse-client';

function parseAll(text: string, chunkSize = text.length): SseEvent[] {
  const events: SseEvent[] = [];
  const parser = new SseParser((event) => events.push(event));
  for (let i = 0; i < text.length; i += chunkSize) parser.push(text.slice(i, i + chunkSize));
  return events;
}

describe('the event stream format', () => {
  it('writes event, id and data lines and ends with a blank line', () => {
    expect(formatSseMessage({ id: '7', event: 'broadcast', data: '{"a":1}' })).toBe('event: broadcast\nid: 7\ndata: {"a":1}\n\n');
  });

  it.each([
    ['LF', 'one\ntwo'],
    ['CRLF', 'one\r\ntwo'],
    ['CR', 'one\rtwo'],
  ])('splits data with %s line breaks into several data lines, which a reader joins with LF', (_name, data) => {
    const wire = formatSseMessage({ event: 'x', data });
    expect(wire).toBe('event: x\ndata: one\ndata: two\n\n');
    expect(parseAll(wire)[0]!.data).toBe('one\ntwo');
  });

  it('keeps a line break in an event name or id from starting a new field', () => {
    const wire = formatSseMessage({ id: '1\nid: 99', event: 'a\ndata: injected', data: 'ok' });
    const [event] = parseAll(wire);
    expect(event).toEqual({ id: '1 id: 99', event: 'a data: injected', data: 'ok' });
  });

  it('writes comments that readers ignore', () => {
    const wire = `${formatSseComment('heartbeat')}${formatSseMessage({ data: 'x' })}`;
    expect(parseAll(wire)).toEqual([{ id: undefined, event: 'message', data: 'x' }]);
  });

  it.each([1, 2, 5, 1000])('parses the same events however the bytes are split (chunks of %i)', (size) => {
    const wire = `retry: 2000\n: hi\n\n${formatSseMessage({ id: '1', event: 'a', data: 'é\n{}' })}event: b\r\nid: 2\r\ndata: two\r\n\r\n`;
    expect(parseAll(wire, size)).toEqual([
      { id: '1', event: 'a', data: 'é\n{}' },
      { id: '2', event: 'b', data: 'two' },
    ]);
  });
});

/** A response whose client never reads: everything written stays in its buffer. */
class StuckResponse extends EventEmitter {
  writableLength = 0;
  writableEnded = false;
  writableFinished = false;
  destroyed = false;
  socket = { destroyed: false };
  writeHead(): this {
    return this;
  }
  write(chunk: string): boolean {
    this.writableLength += Buffer.byteLength(chunk);
    return false;
  }
  end(): void {
    this.writableEnded = true;
  }
  destroy(): void {
    this.destroyed = true;
    this.emit('close');
  }
}

describe('an event stream whose client does not keep up', () => {
  it('is cut off once its buffer passes the limit, instead of growing without end', async () => {
    const res = new StuckResponse();
    const stream = new EventStream(res as unknown as ServerResponse, 'room:TEST', { maxBuffered: 1_000 });
    let closed = false;
    stream.onClose(() => (closed = true));
    stream.open();
    expect(stream.send({ event: 'x', data: 'a'.repeat(500) })).toBe(true);
    expect(stream.send({ event: 'x', data: 'b'.repeat(600) })).toBe(false);
    expect(res.destroyed).toBe(true);
    expect(closed).toBe(true);
    expect(stream.send({ event: 'x', data: 'c' })).toBe(false);
    await stream.done;
  });
});
