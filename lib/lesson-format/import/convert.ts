import { stringify } from 'yaml';
import { canonicalImageName, DOCKER_HUB, parseImageReference } from '../../image-reference/image-reference';
import { locallyMadeImages, referencedImages } from '../image-references';
import { parseLesson } from '../parse';
import { convertCode, type ConvertedBlock } from './code-blocks';
import { readDeck, type DeckFormat, type DeckLine } from './deck';
import { convertProse, type ImportCounts, type ImportWarning, type ProseContext, type Tally } from './prose';

/**
 * A Marp or reveal.js deck → a Drydock lesson skeleton (lessons/README.md):
 * the manifest from the front matter, one slide per deck slide, speaker
 * notes after `???`, shell commands as ```sh run blocks. The result is
 * parsed by the project's own parser before it is returned, so a lesson that
 * would not load is a bug here, never a file on disk.
 */
export interface ImportOptions {
  /** The deck's path, as reports should name it. */
  file: string;
  id: string;
  format?: DeckFormat;
  deckDir: string;
  publicDir: string;
}

export interface ImportResult {
  format: DeckFormat;
  markdown: string;
  manifest: { id: string; title: string; summary: string; level: 'beginner'; minutes: number; images: string[] };
  counts: ImportCounts & { outputBlocks: number };
  /** Sorted by line. */
  warnings: ImportWarning[];
  /** Where the summary came from, for the report. */
  summarySource: string;
}

type Segment = { kind: 'text'; lines: DeckLine[] } | { kind: 'code'; info: string; body: string[]; line: number };

/** A code block on its way into the lesson; `indented` when it must be written without a fence (see declareImages). */
interface OutBlock extends ConvertedBlock {
  line: number;
  indented?: boolean;
}

type Part = { kind: 'text'; lines: string[] } | { kind: 'block'; block: OutBlock };

interface OutSlide {
  title: string;
  heading: string;
  parts: Part[];
  notes: string;
  line: number;
}

const FENCE = /^(\s{0,3})(`{3,}|~{3,})(.*)$/;

function segments(lines: DeckLine[], tally: Tally): Segment[] {
  const out: Segment[] = [];
  let open: { marker: string; info: string; body: string[]; line: number } | null = null;
  for (const l of lines) {
    const m = FENCE.exec(l.text);
    if (open) {
      if (m && m[2]![0] === open.marker[0] && m[2]!.length >= open.marker.length && m[3]!.trim() === '') {
        out.push({ kind: 'code', info: open.info, body: open.body, line: open.line });
        open = null;
      } else open.body.push(l.text);
      continue;
    }
    if (m) open = { marker: m[2]!, info: m[3]!, body: [], line: l.line };
    else if (out.at(-1)?.kind === 'text') (out.at(-1) as { lines: DeckLine[] }).lines.push(l);
    else out.push({ kind: 'text', lines: [l] });
  }
  if (open) {
    tally.warnings.push({ line: open.line, message: 'code block never closed in its slide: closed at the end of the slide' });
    out.push({ kind: 'code', info: open.info, body: open.body, line: open.line });
  }
  return out;
}

/** reveal.js speaker notes: from a `Note:`/`Notes:` line (outside code) to the end of the slide. */
function splitRevealNotes(segs: Segment[]): { body: Segment[]; notes: DeckLine[] } {
  for (let s = 0; s < segs.length; s++) {
    const seg = segs[s]!;
    if (seg.kind !== 'text') continue;
    const at = seg.lines.findIndex((l) => /^notes?:/i.test(l.text));
    if (at < 0) continue;
    const first = seg.lines[at]!;
    const rest: DeckLine[] = [{ text: first.text.replace(/^notes?:\s*/i, ''), line: first.line }, ...seg.lines.slice(at + 1)];
    for (const later of segs.slice(s + 1)) {
      if (later.kind === 'text') rest.push(...later.lines);
      else rest.push({ text: '```' + later.info, line: later.line }, ...later.body.map((text) => ({ text, line: later.line })), { text: '```', line: later.line });
    }
    return { body: [...segs.slice(0, s), { kind: 'text', lines: seg.lines.slice(0, at) }], notes: rest };
  }
  return { body: segs, notes: [] };
}

const plain = (markdown: string): string =>
  markdown
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/!\[[^\]]*\]\([^)]*\)/g, '')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .replace(/(\*\*|__|\*|_|`)(.+?)\1/g, '$2')
    .replace(/\s+/g, ' ')
    .trim();

const clip = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, max - 1).replace(/\s+\S*$/, '')}…`);

/** Finds or makes the slide's title (a leading `#`/`##` heading), rewriting the first lines as needed. */
function titleSlide(parts: Part[], previous: string | undefined, deckTitle: string, line: number, tally: Tally): { title: string; heading: string } {
  const first = parts[0];
  const lines = first?.kind === 'text' ? first.lines : [];
  const at = lines.findIndex((l) => l.trim() !== '');
  const text = at >= 0 ? lines[at]! : '';
  const made = (title: string, why: string, drop: boolean) => {
    tally.counts.titlesMade++;
    tally.warnings.push({ line, message: `${why}: title "${title}"` });
    if (drop) lines.splice(at, 1);
    return { title, heading: `## ${title}` };
  };
  const h12 = /^(#{1,2})\s+(.+?)(?:\s+#+)?\s*$/.exec(text);
  if (h12) {
    lines.splice(at, 1);
    return { title: h12[2]!, heading: `${h12[1]} ${h12[2]}` };
  }
  const deeper = /^#{3,6}\s+(.+?)(?:\s+#+)?\s*$/.exec(text);
  if (deeper) return made(deeper[1]!, 'the slide began with a smaller heading, made its title', true);
  const bold = /^(\*\*|__)(.+)\1\s*$/.exec(text);
  if (bold && plain(bold[2]!).length <= 80) return made(plain(bold[2]!), 'the slide had no title; its bold first line became it', true);
  const title = previous ? `${previous.replace(/ \(continued\)$/, '')} (continued)` : deckTitle;
  return made(title, 'the slide had no title; made one', false);
}

function fenceFor(lines: string[]): string {
  const longest = Math.max(0, ...lines.flatMap((l) => (l.match(/`+/g) ?? []).map((run) => run.length)));
  return '`'.repeat(Math.max(3, longest + 1));
}

function writeBlock(b: OutBlock): string[] {
  if (b.indented) return ['', ...b.lines.map((l) => (l === '' ? '' : `    ${l}`)), ''];
  const fence = fenceFor(b.lines);
  return [`${fence}${b.kind === 'run' ? 'sh run' : b.lang}`, ...b.lines, fence];
}

function writeSlide(s: OutSlide): string {
  // Blank lines are squeezed in prose only: in a code block they are the code's own.
  const body = s.parts.map((p) => (p.kind === 'text' ? p.lines.join('\n').replace(/\n\s*\n(\s*\n)+/g, '\n\n').trim() : writeBlock(p.block).join('\n')));
  const text = [s.heading, ...body.filter((b) => b !== '')].join('\n\n');
  return s.notes ? `${text}\n\n???\n${s.notes}` : text;
}

/** Whether a lesson may declare the image: a Docker Hub reference by tag (what a class's registry mirror can serve). */
function declarable(image: string): string | undefined {
  try {
    const ref = parseImageReference(image);
    if (ref.digest) return 'an image pinned by digest cannot be served offline';
    if (ref.domain !== DOCKER_HUB) return `it lives on ${ref.domain}, and a class's registry mirror serves only Docker Hub images`;
    return undefined;
  } catch {
    return 'it is no image reference (a placeholder?)';
  }
}

/**
 * The images the lesson must declare, found the way the lint finds them
 * (lint.ts: every code block, images built or tagged earlier in the lesson
 * excepted). A block naming an image no lesson can declare (`FROM <image>`,
 * another registry) is written as an indented code block, which the lesson
 * format does not count as a block: it is shown, without Copy or Run.
 */
function declareImages(slides: OutSlide[], tally: Tally): string[] {
  for (;;) {
    const needed = new Map<string, string>();
    const made = new Set(['scratch:latest']);
    let demoted = false;
    for (const slide of slides) {
      const blocks = slide.parts.flatMap((p) => (p.kind === 'block' && !p.block.indented ? [p.block] : []));
      for (const b of blocks) for (const m of locallyMadeImages(b.lines.join('\n'))) made.add(canonicalImageName(m));
      for (const b of blocks) {
        for (const image of referencedImages(b.lines.join('\n'))) {
          const name = canonicalImageName(image);
          if (made.has(name)) continue;
          const why = declarable(image);
          if (why && !b.indented) {
            b.indented = true;
            demoted = true;
            tally.warnings.push({ line: b.line, message: `block shown without Run or Copy: it names the image "${image}", which a lesson cannot declare (${why})` });
          } else if (!why && !needed.has(name)) needed.set(name, image);
        }
      }
    }
    if (!demoted) return [...needed.values()].sort();
  }
}

function summaryOf(frontMatter: Record<string, unknown>, slides: OutSlide[], title: string): { summary: string; source: string } {
  const described = frontMatter.description ?? frontMatter.summary;
  if (typeof described === 'string' && described.trim()) return { summary: clip(plain(described), 400), source: 'the front matter description' };
  for (const slide of slides) {
    const text = slide.parts.flatMap((p) => (p.kind === 'text' ? p.lines : ['']));
    const paragraphs = text.join('\n').split(/\n\s*\n/).map((p) => p.trim());
    const prose = paragraphs.find((p) => p !== '' && !/^([-*+>|<!]|\d+[.)]|#|```|~~~)/.test(p) && plain(p).length >= 20);
    // A subtitle under the first slide's title says more than a later paragraph.
    const subtitle = slide === slides[0] ? paragraphs.find((p) => /^#{3,6}\s/.test(p))?.replace(/^#+\s*/, '') : undefined;
    if (subtitle && plain(subtitle).length >= 10) return { summary: clip(plain(subtitle.split('\n')[0]!), 400), source: 'the subtitle of the first slide' };
    if (prose) return { summary: clip(plain(prose), 400), source: `the first paragraph of the slide at line ${slide.line}` };
  }
  return { summary: title, source: 'the title (the deck has no paragraph of prose)' };
}

/** Imports a deck's text; throws DeckImportError for a deck it cannot read. */
export function importDeck(source: string, options: ImportOptions): ImportResult {
  const deck = readDeck(source, options.file, options.format);
  const tally: Tally = {
    counts: { slides: 0, titlesMade: 0, notes: 0, runBlocks: 0, displayBlocks: 0, imagesKept: 0, imagesReported: 0, htmlKept: 0, htmlReported: 0, directivesDropped: 0 },
    warnings: [],
  };
  const ctx: ProseContext = { format: deck.format, deckDir: options.deckDir, publicDir: options.publicDir, tally };

  const fmTitle = typeof deck.frontMatter.title === 'string' ? plain(deck.frontMatter.title) : '';
  const firstHeading = deck.slides.flat().find((l) => /^#{1,6}\s+\S/.test(l.text))?.text.replace(/^#+\s+/, '').replace(/\s+#+\s*$/, '');
  const title = clip(fmTitle || plain(firstHeading ?? '') || options.id, 80);
  for (const [key, line] of Object.entries(deck.frontMatterLines)) {
    if (['marp', 'title', 'description'].includes(key)) continue;
    tally.warnings.push({ line, message: `front matter "${key}" has no Drydock equivalent: dropped` });
  }

  const slides: OutSlide[] = [];
  for (const raw of deck.slides) {
    const split = deck.format === 'reveal' ? splitRevealNotes(segments(raw, tally)) : { body: segments(raw, tally), notes: [] };
    const notes: string[] = [];
    const parts: Part[] = split.body.flatMap((seg): Part[] => {
      if (seg.kind === 'text') return [{ kind: 'text', lines: convertProse(seg.lines.map((l) => l.text), seg.lines[0]?.line ?? 0, ctx, notes) }];
      const converted = convertCode(seg.info, seg.body);
      if (converted.warning) tally.warnings.push({ line: seg.line, message: converted.warning });
      return converted.blocks.map((b) => ({ kind: 'block', block: { ...b, line: seg.line } }));
    });
    if (split.notes.length > 0) {
      const revealNotes = convertProse(split.notes.map((l) => l.text), split.notes[0]!.line, ctx, notes).join('\n').trim();
      if (revealNotes) notes.unshift(revealNotes);
    }
    const line = raw[0]!.line;
    const { title: slideTitle, heading } = titleSlide(parts, slides.at(-1)?.title, title, line, tally);
    if (/\bexercises?\b/i.test(slideTitle) && !slideTitle.endsWith('(continued)')) {
      tally.warnings.push({ line, message: `slide "${slideTitle}" is not a graded exercise yet: add an \`\`\`exercise block with checks and a solution (lessons/README.md, "Exercises")` });
    }
    slides.push({ title: slideTitle, heading, parts, notes: notes.join('\n\n'), line });
  }

  const images = declareImages(slides, tally);
  const blocks = slides.flatMap((s) => s.parts.flatMap((p) => (p.kind === 'block' ? [p.block] : [])));
  const counts = {
    ...tally.counts,
    slides: slides.length,
    notes: slides.filter((s) => s.notes).length,
    runBlocks: blocks.filter((b) => b.kind === 'run' && !b.indented).length,
    displayBlocks: blocks.filter((b) => b.kind === 'display' || b.indented).length,
    outputBlocks: blocks.filter((b) => b.output).length,
  };
  const { summary, source: summarySource } = summaryOf(deck.frontMatter, slides, title);
  const minutes = Math.min(600, Math.max(1, slides.length * 2));
  const manifest = { id: options.id, title, summary, level: 'beginner' as const, minutes, images };
  const scalar = (v: string | number) => stringify(v, { lineWidth: 0 }).trim();
  const markdown = [
    '---',
    `id: ${manifest.id}`,
    `title: ${scalar(title)}`,
    `summary: ${scalar(summary)}`,
    'level: beginner',
    `minutes: ${minutes}`,
    'profile: dind',
    `images: [${images.map(scalar).join(', ')}]`,
    'prerequisites: []',
    '---',
    '',
    slides.map(writeSlide).join('\n\n---\n\n'),
    '',
  ].join('\n');

  const parsed = parseLesson(markdown, `${options.id}/lesson.md`, options.id);
  if (!parsed.ok) {
    throw new Error(`the imported lesson does not parse (an importer bug): ${parsed.problems.map((p) => `line ${p.line}: ${p.message}`).join('; ')}`);
  }
  return { format: deck.format, markdown, manifest, counts, warnings: tally.warnings.sort((a, b) => a.line - b.line), summarySource };
}
