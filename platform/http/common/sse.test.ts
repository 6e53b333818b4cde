import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Hono } from 'hono';
import type { AppEnv } from './context';
import { serveEventStream, type EventSink, type StreamEvent } from './sse';

/** A router with one stream route, and what the route's `open` was given. */
function streamApp(options: { keepaliveMs?: number; open?: boolean } = {}) {
  const opened: { sink: EventSink<StreamEvent>; closed: number }[] = [];
  const app = new Hono<AppEnv>();
  app.get('/events', (c) =>
    serveEventStream(c, { retryMs: 2000, keepaliveMs: options.keepaliveMs }, (connection, sink) => {
      if (options.open === false) return false;
      const entry = { sink, closed: 0 };
      opened.push(entry);
      connection.onClose(() => entry.closed++);
      sink.send({ event: 'hello', data: { n: 1 } });
      return true;
    }),
  );
  return { app, opened };
}

async function readUntil(reader: ReadableStreamDefaultReader<Uint8Array>, done: (text: string) => boolean): Promise<string> {
  const decoder = new TextDecoder();
  let text = '';
  while (!done(text)) {
    const chunk = await reader.read();
    if (chunk.done) break;
    text += decoder.decode(chunk.value, { stream: true });
  }
  return text;
}

describe('serveEventStream (hono streamSSE)', () => {
  test('the head says what it is; the first event carries the retry; events keep their order; end closes after the last', async () => {
    const { app, opened } = streamApp();
    const response = await app.request('/events');
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'text/event-stream; charset=utf-8');
    assert.equal(response.headers.get('cache-control'), 'no-store');
    assert.equal(response.headers.get('x-accel-buffering'), 'no');
    const { sink } = opened[0]!;
    sink.send({ event: 'second', data: 'two' });
    sink.send({ event: 'ended', data: {} });
    sink.end();
    const text = await readUntil(response.body!.getReader(), () => false);
    assert.equal(text, 'event: hello\ndata: {"n":1}\nretry: 2000\n\nevent: second\ndata: "two"\n\nevent: ended\ndata: {}\n\n');
    assert.equal(opened[0]!.closed, 1, 'its close listeners ran once');
    sink.send({ event: 'late', data: 1 }); // harmless after the end
  });

  test('a page that goes away releases the stream: close listeners run, the keepalive stops', async () => {
    const { app, opened } = streamApp({ keepaliveMs: 20 });
    const response = await app.request('/events');
    const reader = response.body!.getReader();
    // The keepalive timer is unref'd (an open page must not keep a stopping server alive): hold the loop open while waiting for it.
    const holdOpen = setTimeout(() => undefined, 5_000);
    const text = await readUntil(reader, (t) => t.includes(': keepalive\n\n')).finally(() => clearTimeout(holdOpen));
    assert.match(text, /^event: hello\n/);
    await reader.cancel();
    await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(opened[0]!.closed, 1);
  });

  test('nothing to stream is a 204; HEAD opens nothing', async () => {
    const none = await streamApp({ open: false }).app.request('/events');
    assert.equal(none.status, 204);
    const { app, opened } = streamApp();
    const head = await app.request('/events', { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('content-type'), 'text/event-stream; charset=utf-8');
    assert.equal(opened.length, 0);
  });
});
