/**
 * Keeps the presenter window and its speaker-notes window on the same slide
 * (same browser, same origin): whichever moves, the other follows.
 */
export function openPresenterChannel(lessonId: string, onSlide: (slide: number) => void): { announce(slide: number): void; close(): void } {
  const channel = new BroadcastChannel(`drydock-present-${lessonId}`);
  channel.onmessage = (event: MessageEvent<{ slide?: unknown }>) => {
    if (typeof event.data?.slide === 'number') onSlide(event.data.slide);
  };
  return { announce: (slide) => channel.postMessage({ slide }), close: () => channel.close() };
}
