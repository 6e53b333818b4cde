import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { DeckFormat } from './deck';

/**
 * The prose of a slide (everything outside code blocks): HTML comments
 * (Marp's speaker notes and directives, reveal.js's slide and element
 * attributes), images and raw HTML. What the Drydock page can show is kept;
 * the rest is dropped and reported with its line.
 *
 * What the page can show is set by the site's Content-Security-Policy
 * (lib/web-guards/site-guard.ts: img-src 'self' data:, frame-src 'none', no
 * inline scripts) and by what it serves: public/ at /, and nothing from a
 * lesson's folder. So an image is shown only when it is a data: URI or a
 * file in public/; remote images, and images next to the deck, are reported.
 */

export interface ImportCounts {
  slides: number;
  titlesMade: number;
  notes: number;
  runBlocks: number;
  displayBlocks: number;
  imagesKept: number;
  imagesReported: number;
  htmlKept: number;
  htmlReported: number;
  directivesDropped: number;
}

export interface ImportWarning {
  /** 1-based line in the deck. */
  line: number;
  message: string;
}

/** Counts and warnings, added to as the deck is converted. */
export interface Tally {
  counts: ImportCounts;
  warnings: ImportWarning[];
}

export interface ProseContext {
  format: DeckFormat;
  /** The deck's folder, to say whether a relative image is there. */
  deckDir: string;
  /** The site's public/ folder (served at /). */
  publicDir: string;
  tally: Tally;
}

/** Marp's directives (`<!-- _class: lead -->`); a comment of these is no speaker note. */
const MARP_DIRECTIVES = new Set(
  'theme style headingDivider lang size math title author description image keywords url marp paginate header footer class backgroundColor backgroundImage backgroundPosition backgroundRepeat backgroundSize color transition fit'.split(
    ' ',
  ),
);

/** Elements the page cannot run or show (CSP), or that would restyle the whole page (<style>). */
const DROPPED_PAIRED = ['script', 'style', 'iframe', 'object', 'noscript', 'video', 'audio', 'form', 'canvas'];
const DROPPED_VOID = new Set(['link', 'meta', 'base', 'embed', 'source', 'track', 'frame']);

/** HTML element names: a tag with another name (`<image>`, `<src>`) is text in the deck, so it is escaped to stay text. */
const HTML_ELEMENTS = new Set(
  (
    'a abbr address article aside b bdi bdo blockquote br caption center cite code col colgroup dd del details dfn div dl dt em figcaption figure font ' +
    'footer h1 h2 h3 h4 h5 h6 header hr i img ins kbd li main mark nav ol p picture pre q s samp section small span strong sub summary sup table tbody ' +
    'td tfoot th thead time tr u ul var wbr svg path g circle rect line polyline polygon text tspan defs use ' +
    DROPPED_PAIRED.join(' ') +
    ' ' +
    [...DROPPED_VOID].join(' ')
  ).split(' '),
);

/** What replaces dropped text: its line breaks, so the lines after it keep their numbers for later reports. */
const keepLines = (dropped: string): string => '\n'.repeat(dropped.match(/\n/g)?.length ?? 0);

const lineAt = (text: string, offset: number, first: number): number => first + (text.slice(0, offset).match(/\n/g)?.length ?? 0);

/** Applies `edit` to the parts of `text` outside inline code spans (`…`), where Markdown reads images and HTML. */
function outsideCodeSpans(text: string, edit: (part: string, offset: number) => string): string {
  let out = '';
  let last = 0;
  for (const m of text.matchAll(/(`+)[\s\S]*?[^`]\1(?!`)|(`+)\2(?!`)/g)) {
    out += edit(text.slice(last, m.index), last) + m[0];
    last = m.index + m[0].length;
  }
  return out + edit(text.slice(last), last);
}

/** The words Marp reads in an image's alt text (size, position, filters, `bg`), which mean nothing to Drydock. */
const MARP_IMAGE_WORD = /^(bg|left|right|center|contain|cover|fit|auto|vertical|\d+(\.\d+)?%|(w|h|width|height):\S+|blur|grayscale|sepia|invert|opacity|saturate|brightness|contrast|hue-rotate|drop-shadow)(:\S+)?$/;

type ImageVerdict = { shown: true } | { shown: false; why: string };

/** Whether the Drydock page can show an image at `src` (see the module comment). */
export function imageVerdict(src: string, ctx: Pick<ProseContext, 'deckDir' | 'publicDir'>): ImageVerdict {
  if (/^data:image\//i.test(src)) return { shown: true };
  if (/^(https?:)?\/\//i.test(src)) {
    return { shown: false, why: `remote image ${src}: the site's Content-Security-Policy (img-src 'self' data:) blocks it; save it into public/ and link it as /<name>` };
  }
  const path = decodeURI(src.split(/[?#]/)[0]!);
  if (src.startsWith('/')) {
    return existsSync(join(ctx.publicDir, path)) ? { shown: true } : { shown: false, why: `image ${src} is not in public/, where the site serves /-paths from` };
  }
  if (/^[a-z][a-z0-9+.-]*:/i.test(src)) return { shown: false, why: `image ${src}: the page shows only data: URIs and files of its own` };
  const local = isAbsolute(path) ? path : join(ctx.deckDir, path);
  const found = existsSync(local) ? `found at ${local}` : `not found next to the deck (${local})`;
  return { shown: false, why: `image ${src} (${found}): the site serves no files from a lesson folder; copy it into public/ and link it as /<name>` };
}

/** Replaces images the page cannot show with an HTML comment saying what was there (the learner sees nothing broken). */
function convertImages(text: string, first: number, ctx: ProseContext): string {
  return outsideCodeSpans(text, (part, offset) =>
    part.replace(/!\[([^\]]*)\]\(\s*<?([^)\s>]+)>?(?:\s+(?:"[^"]*"|'[^']*'))?\s*\)/g, (whole, alt: string, src: string, at: number) => {
      const line = lineAt(text, offset + at, first);
      const words = alt.split(/\s+/).filter(Boolean);
      const marpWords = ctx.format === 'marp' ? words.filter((w) => MARP_IMAGE_WORD.test(w)) : [];
      const cleanAlt = words.filter((w) => !marpWords.includes(w)).join(' ');
      const verdict = imageVerdict(src, ctx);
      if (verdict.shown) {
        ctx.tally.counts.imagesKept++;
        if (marpWords.length > 0) ctx.tally.warnings.push({ line, message: `Marp image options "${marpWords.join(' ')}" dropped (${marpWords.includes('bg') ? 'a background image is shown inline' : 'shown at its own size'})` });
        return marpWords.length > 0 ? `![${cleanAlt}](${src})` : whole;
      }
      ctx.tally.counts.imagesReported++;
      ctx.tally.warnings.push({ line, message: `image dropped: ${verdict.why}` });
      return `<!-- image not shown: ![${cleanAlt}](${src.replace(/--/g, '%2D%2D')}) -->`;
    }),
  );
}

/** Raw HTML: dropped where the page cannot run or show it, escaped where it is no element (`<image>` in prose), kept otherwise. */
function convertHtml(text: string, first: number, ctx: ProseContext): string {
  const report = (at: number, what: string) => {
    ctx.tally.counts.htmlReported++;
    ctx.tally.warnings.push({ line: lineAt(text, at, first), message: `HTML dropped: ${what}` });
  };
  return outsideCodeSpans(text, (part, offset) => {
    let edited = part.replace(new RegExp(`<(${DROPPED_PAIRED.join('|')})\\b[^>]*>[\\s\\S]*?<\\/\\1\\s*>`, 'gi'), (whole, name: string, at: number) => {
      report(offset + at, `<${name.toLowerCase()}> (${name.toLowerCase() === 'style' ? 'it would restyle the whole page' : "the site's Content-Security-Policy does not let it run or load"})`);
      return keepLines(whole);
    });
    edited = edited.replace(/<(\/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s[^<>]*)?)>/g, (whole, close: string, rawName: string, attrs: string, at: number) => {
      const name = rawName.toLowerCase();
      if (!HTML_ELEMENTS.has(name)) return whole.replace(/</g, '&lt;').replace(/>/g, '&gt;');
      if (DROPPED_VOID.has(name) || DROPPED_PAIRED.includes(name)) {
        if (!close) report(offset + at, `<${name}> (the page cannot load or run it)`);
        return '';
      }
      if (name === 'img' && !close) {
        const src = /\ssrc\s*=\s*["']?([^"'\s>]+)/i.exec(attrs)?.[1] ?? '';
        const verdict = imageVerdict(src, ctx);
        if (!verdict.shown) {
          ctx.tally.counts.imagesReported++;
          ctx.tally.warnings.push({ line: lineAt(text, offset + at, first), message: `image dropped: ${verdict.why}` });
          return `<!-- image not shown: ${src.replace(/--/g, '%2D%2D')} -->`;
        }
        ctx.tally.counts.imagesKept++;
        return whole;
      }
      if (!close) {
        ctx.tally.counts.htmlKept++;
        if (/\son[a-z]+\s*=/i.test(attrs)) ctx.tally.warnings.push({ line: lineAt(text, offset + at, first), message: `<${name}> kept, but its on… event handler will not run (the site allows no inline scripts)` });
      }
      return whole;
    });
    return edited;
  });
}

function isMarpDirective(body: string): boolean {
  const entries = body.trim().split('\n').filter((l) => l.trim() !== '');
  return entries.length > 0 && entries.every((l) => {
    const key = /^\s*_?([A-Za-z]+)\s*(:|$)/.exec(l)?.[1];
    return key !== undefined && MARP_DIRECTIVES.has(key);
  });
}

/**
 * HTML comments. Marp: a directive is dropped (reported), any other comment
 * is a speaker note. reveal.js: `.slide:`/`.element:` attributes (fragments
 * among them) are dropped (reported); other comments stay, unseen.
 */
function convertComments(text: string, first: number, ctx: ProseContext, notes: string[]): string {
  return text.replace(/<!--([\s\S]*?)-->/g, (whole, body: string, at: number) => {
    const line = lineAt(text, at, first);
    if (ctx.format === 'marp') {
      if (isMarpDirective(body)) {
        ctx.tally.counts.directivesDropped++;
        ctx.tally.warnings.push({ line, message: `Marp directive dropped: ${whole.replace(/\s+/g, ' ')}` });
      } else if (body.trim() !== '') notes.push(body.trim());
      return keepLines(whole);
    }
    const attribute = /^\s*\.(slide|element):([\s\S]*)$/.exec(body);
    if (attribute) {
      ctx.tally.counts.directivesDropped++;
      const fragment = /fragment/.test(attribute[2]!);
      ctx.tally.warnings.push({
        line,
        message: fragment ? `reveal.js fragment dropped: the element shows at once (${whole.replace(/\s+/g, ' ')})` : `reveal.js ${attribute[1]} attributes dropped: ${whole.replace(/\s+/g, ' ')}`,
      });
      return keepLines(whole);
    }
    ctx.tally.counts.htmlKept++;
    return whole;
  });
}

/** Converts a run of prose lines; speaker notes found in it (Marp comments) go to `notes`. */
export function convertProse(lines: string[], first: number, ctx: ProseContext, notes: string[]): string[] {
  let text = lines.join('\n');
  text = convertComments(text, first, ctx, notes);
  text = convertImages(text, first, ctx);
  text = convertHtml(text, first, ctx);
  // A line that is exactly ??? would start Drydock's speaker notes.
  return text.split('\n').map((l) => (/^\?\?\?\s*$/.test(l) ? `\\${l}` : l));
}
