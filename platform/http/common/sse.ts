import { streamSSE, type SSEStreamingApi } from 'hono/streaming';
import { DisposableStore, toDisposable } from '../../../lib/lifecycle/disposable';
import type { AppContext } from './context';

/** One Server-Sent Event: its name and its JSON data (the shapes are in protocol/http). */
export interface StreamEvent {
  event: string;
  data: unknown;
}

/** Where a route sends a stream's events; `end` closes the stream from the server's side. */
export interface EventSink<E extends StreamEvent> {
  send(event: E): void;
  end(): void;
}

/** The client's side of a stream: tells when it is over (the page went away, or the server ended it). */
export interface StreamConnection {
  onClose(listener: () => void): void;
}

export interface EventStreamOptions {
  /** The browser reconnects this long after the stream drops (sent with the first event). */
  retryMs: number;
  /** A comment line this often keeps proxies and browsers from closing an idle stream; none when unset. */
  keepaliveMs?: number;
}

/** What the stream's answer says about itself: never cached, never buffered by a proxy. */
const STREAM_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-store',
  connection: 'keep-alive',
  'x-accel-buffering': 'no', // nginx: do not buffer the stream
} as const;

/**
 * Answers with a Server-Sent Events stream, framed by hono's streamSSE.
 * `open` subscribes the stream to whatever feeds it and returns false when
 * there is nothing to stream (the answer is then 204, which tells the
 * browser's EventSource to stop asking). Events sent before the stream is
 * read wait for it, so `open` may send the first one at once. Everything the
 * stream holds (its keepalive timer, its close listeners) is released when
 * the page goes away or `end` is called, whichever comes first.
 */
export function serveEventStream<E extends StreamEvent>(c: AppContext, options: EventStreamOptions, open: (connection: StreamConnection, sink: EventSink<E>) => boolean): Response {
  // HEAD gets the head of the answer and opens nothing (hono would run the stream for a body nobody reads).
  if (c.req.method === 'HEAD') return c.body(null, 200, STREAM_HEADERS);
  const resources = new DisposableStore();
  const pending: E[] = [];
  let live: SSEStreamingApi | undefined;
  let retrySent = false;
  let ended = false;
  let finish = (): void => {
    ended = true;
  };
  /** Writes in order, one after the other; the stream closes only after the last (an `ended` event must arrive). */
  let written: Promise<void> = Promise.resolve();
  const write = (stream: SSEStreamingApi, { event, data }: E): void => {
    const retry = retrySent ? undefined : options.retryMs;
    retrySent = true;
    // A write to a stream that closed is dropped (hono's write); writeSSE rejects only for a line break in
    // the event name, which ours (fixed names) never have: dropped too, so one bad event cannot stop the rest.
    written = written.then(() => stream.writeSSE({ event, data: JSON.stringify(data), retry })).catch(() => undefined);
  };
  const sink: EventSink<E> = {
    send: (event) => {
      if (resources.isDisposed) return;
      if (live) write(live, event);
      else pending.push(event);
    },
    end: () => finish(),
  };
  const connection: StreamConnection = { onClose: (listener) => void resources.add(toDisposable(listener)) };
  if (!open(connection, sink)) {
    resources.dispose();
    return c.body(null, 204, { 'cache-control': 'no-store' });
  }

  const response = streamSSE(c, async (stream) => {
    live = stream;
    for (const event of pending.splice(0)) write(stream, event);
    if (options.keepaliveMs) {
      // A comment line (writeSSE has none): EventSource ignores it, proxies see traffic.
      const keepalive = setInterval(() => void stream.write(': keepalive\n\n').catch(() => undefined), options.keepaliveMs); // a write after the page left: the close listener disposes this
      keepalive.unref(); // an open page must not keep a stopping server alive
      resources.add(toDisposable(() => clearInterval(keepalive)));
    }
    await new Promise<void>((resolve) => {
      if (ended) return resolve();
      finish = resolve;
      stream.onAbort(resolve);
    });
    live = undefined;
    resources.dispose();
    await written;
  });
  for (const [name, value] of Object.entries(STREAM_HEADERS)) response.headers.set(name, value);
  return response;
}
