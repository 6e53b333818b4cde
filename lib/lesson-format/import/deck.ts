import { parse as parseYaml } from 'yaml';

/**
 * Reading an instructor's slide deck (Marp or reveal.js Markdown): is it
 * Markdown at all, which of the two it is, its front matter, and its slides
 * as numbered lines. What a slide becomes in Drydock is convert.ts's job.
 */
export type DeckFormat = 'marp' | 'reveal';
export const DECK_FORMATS: readonly DeckFormat[] = ['marp', 'reveal'];

/** A deck the importer cannot read; the message says what to do. */
export class DeckImportError extends Error {}

/** One line of the deck and its 1-based line number in the file. */
export interface DeckLine {
  text: string;
  line: number;
}

export interface Deck {
  format: DeckFormat;
  /** The YAML front matter, {} when there is none. */
  frontMatter: Record<string, unknown>;
  /** Line of each front matter key, for reports. */
  frontMatterLines: Record<string, number>;
  slides: DeckLine[][];
}

const FENCE = /^(\s{0,3})(`{3,}|~{3,})(.*)$/;

/** Tracks code fences line by line, so a separator inside a code block stays content. */
export class FenceTracker {
  private open: string | null = null;
  /** Feeds one line; true when the line is inside a fence or is one of its fence lines. */
  feed(text: string): boolean {
    const m = FENCE.exec(text);
    if (!m) return this.open !== null;
    const marker = m[2]!;
    if (this.open === null) this.open = marker;
    else if (marker[0] === this.open[0] && marker.length >= this.open.length && m[3]!.trim() === '') this.open = null;
    return true;
  }
}

/** Refuses what is not a Markdown text: binary files, HTML pages, empty files. */
export function checkMarkdown(text: string, file: string): void {
  if (text.includes('\u0000') || text.includes('\uFFFD')) throw new DeckImportError(`${file} is not Markdown: it is a binary file (or not UTF-8 text)`);
  if (text.trim() === '') throw new DeckImportError(`${file} is empty`);
  if (/^\s*(<!doctype html|<html[\s>])/i.test(text)) {
    throw new DeckImportError(`${file} is an HTML page, not Markdown: import the Markdown file the page loads (reveal.js: the file named in data-markdown="…", or the text inside <textarea data-template>)`);
  }
}

function readFrontMatter(lines: string[], file: string): { data: Record<string, unknown>; keyLines: Record<string, number>; bodyStart: number } {
  if (!/^---\s*$/.test(lines[0] ?? '')) return { data: {}, keyLines: {}, bodyStart: 0 };
  const end = lines.findIndex((l, i) => i > 0 && /^(---|\.\.\.)\s*$/.test(l));
  if (end < 0) throw new DeckImportError(`${file}:1: the front matter opened by "---" is never closed by a "---" line`);
  let data: unknown;
  try {
    data = parseYaml(lines.slice(1, end).join('\n'));
  } catch (error) {
    throw new DeckImportError(`${file}:1: the front matter is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  // A first "---" followed by prose is a slide separator of a deck without front matter, not YAML.
  if (data !== null && data !== undefined && (typeof data !== 'object' || Array.isArray(data))) return { data: {}, keyLines: {}, bodyStart: 0 };
  const keyLines: Record<string, number> = {};
  lines.slice(1, end).forEach((l, i) => {
    const key = /^([A-Za-z_$][\w$-]*)\s*:/.exec(l)?.[1];
    if (key && !(key in keyLines)) keyLines[key] = i + 2;
  });
  return { data: (data ?? {}) as Record<string, unknown>, keyLines, bodyStart: end + 1 };
}

/** What says "reveal.js" in a deck that does not declare itself: notes, slide/element attributes, vertical separators. */
function revealEvidence(lines: string[]): boolean {
  const fence = new FenceTracker();
  return lines.some((text) => {
    if (fence.feed(text)) return false;
    return /^notes?:/i.test(text) || /<!--\s*\.(slide|element):/.test(text) || /^--\s*$/.test(text) || /reveal\.?js/i.test(text);
  });
}

export function detectFormat(frontMatter: Record<string, unknown>, body: string[]): DeckFormat | undefined {
  if (frontMatter.marp === true) return 'marp';
  if (revealEvidence(body)) return 'reveal';
  return undefined;
}

/**
 * Splits the body into slides. Marp: a `---` line. reveal.js: horizontal
 * (`---`, or a longer rule) and vertical (`--`) separators both start a new
 * Drydock slide (Drydock decks are linear); a deck with no dash separators
 * is split on two or more blank lines, reveal.js's other common setting.
 */
function splitSlides(body: DeckLine[], format: DeckFormat): DeckLine[][] {
  const separator = format === 'marp' ? /^---\s*$/ : /^-{2,}\s*$/;
  const split = (isSeparator: (l: DeckLine, i: number) => boolean): DeckLine[][] => {
    const slides: DeckLine[][] = [[]];
    const fence = new FenceTracker();
    body.forEach((l, i) => {
      const inFence = fence.feed(l.text);
      if (!inFence && isSeparator(l, i)) slides.push([]);
      else slides.at(-1)!.push(l);
    });
    return slides;
  };
  let slides = split((l) => separator.test(l.text));
  if (format === 'reveal' && slides.length === 1) {
    const blank = (i: number) => (body[i]?.text ?? '').trim() === '';
    slides = split((l, i) => blank(i) && blank(i - 1) && !blank(i + 1));
  }
  return slides.filter((s) => s.some((l) => l.text.trim() !== ''));
}

/** Reads a deck's text: front matter, format (detected unless forced) and slides. */
export function readDeck(source: string, file: string, forced?: DeckFormat): Deck {
  checkMarkdown(source, file);
  const lines = source.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n').split('\n');
  const front = readFrontMatter(lines, file);
  const body = lines.slice(front.bodyStart);
  const format = forced ?? detectFormat(front.data, body);
  if (!format) {
    throw new DeckImportError(
      `${file}: cannot tell whether this is a Marp or a reveal.js deck (Marp decks have "marp: true" in their front matter; reveal.js decks have "Note:" lines, "--" vertical separators or <!-- .slide: --> attributes). Say which with --format marp or --format reveal`,
    );
  }
  const numbered = body.map((text, i) => ({ text, line: front.bodyStart + i + 1 }));
  const slides = splitSlides(numbered, format);
  if (slides.length === 0) throw new DeckImportError(`${file}: the deck has no slides (no text after the front matter)`);
  return { format, frontMatter: front.data, frontMatterLines: front.keyLines, slides };
}
