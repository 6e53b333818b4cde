import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import dockerfile from 'highlight.js/lib/languages/dockerfile';
import ini from 'highlight.js/lib/languages/ini';
import json from 'highlight.js/lib/languages/json';
import yaml from 'highlight.js/lib/languages/yaml';
import { Marked, type RendererThis, type Tokens } from 'marked';
import { editorLinkTarget } from './editor-links';
import { parseCodeInfo } from './parse';
import { learnerValueSpan, placeholderNames } from '../../protocol/lesson-values';
import type { CodeBlock, Slide } from './schema';

// Highlighting happens here, on the server, when a page is rendered:
// the browser gets coloured HTML and no highlighter code.
hljs.registerLanguage('bash', bash);
hljs.registerLanguage('dockerfile', dockerfile);
hljs.registerLanguage('ini', ini);
hljs.registerLanguage('json', json);
hljs.registerLanguage('yaml', yaml);
const LANGUAGE_ALIASES: Record<string, string> = { sh: 'bash', shell: 'bash', console: 'bash', docker: 'dockerfile', yml: 'yaml', toml: 'ini' };

function highlight(code: string, language: string): string {
  const name = LANGUAGE_ALIASES[language] ?? language;
  // A placeholder (`${{ port }}`) would be coloured as shell syntax and split across spans: each becomes one
  // private-use character (U+E000 + its index; no grammar matches one) while highlighting, and its element after.
  const names = placeholderNames(code);
  let i = 0;
  const guarded = code.replace(PLACEHOLDER_IN_CODE, () => String.fromCharCode(SENTINEL + i++));
  const restore = (html: string) => html.replace(SENTINELS, (c) => learnerValueSpan(names[c.charCodeAt(0) - SENTINEL]!));
  if (!hljs.getLanguage(name)) return restore(escapeHtml(guarded));
  const html = hljs.highlight(guarded, { language: name, ignoreIllegals: true }).value;
  // highlight.js's shell grammar takes a word after "-" for a command: `rm` in `--rm`, `help` in `--help`. An option is not one.
  return restore(name === 'bash' ? html.replace(/-<span class="hljs-(?:built_in|keyword)">([^<]*)<\/span>/g, '-$1') : html);
}
const PLACEHOLDER_IN_CODE = /\$\{\{\s*[a-z0-9]+(?:-[a-z0-9]+)*\s*\}\}/g;
const SENTINEL = 0xe000;
const SENTINELS = /[\ue000-\uf8ff]/g;

/**
 * Placeholders in rendered prose (text and inline code; never inside a tag,
 * where an element cannot go) become the element the deck fills in.
 */
function valueElements(html: string): string {
  return html.replace(PROSE_PLACEHOLDER, (match, name: string | undefined) => (name ? learnerValueSpan(name) : match));
}
const PROSE_PLACEHOLDER = /<[^>]*>|\$\{\{\s*([a-z0-9]+(?:-[a-z0-9]+)*)\s*\}\}/g;
function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * A code block as the deck shows it: a frame with its buttons (the Deck
 * component handles their clicks by event delegation, data-action). The `pre`
 * takes focus, so a long line that scrolls sideways can be scrolled by keyboard.
 */
function codeFrame({ lang, mode, interrupt, code }: Pick<CodeBlock, 'lang' | 'mode' | 'interrupt' | 'code'>, counted: boolean): string {
  const run = mode === 'run';
  // Every block of a slide can be copied (a Dockerfile on a slide is one a learner wants as it is); only `run` blocks also run.
  // A fence the parser does not count (in speaker notes, a blockquote) is shown bare.
  const copy = counted;
  const buttons = [
    run ? `<button type="button" class="code-action code-run" data-action="run"${interrupt ? ' data-interrupt="true"' : ''} title="Type this into your terminal and press Enter">▶ Run</button>` : '',
    copy ? `<button type="button" class="code-action" data-action="copy" title="Copy to the clipboard">Copy</button>` : '',
  ].join('');
  return `<div class="code-block${run ? ' code-block-run' : ''}" data-lang="${escapeHtml(lang)}">${buttons ? `<div class="code-actions">${buttons}</div>` : ''}<pre tabindex="0"><code class="hljs">${highlight(code, lang)}</code></pre></div>`;
}

/**
 * Markdown → HTML for slides. What a code block is (its language, and
 * whether it runs or copies) comes from the lesson parser (Slide.codeBlocks),
 * not from a second reading of its fence: each fenced block marked finds is
 * matched, in order, with the parsed block that holds the same code. A
 * fence the lesson parser does not count as one (in speaker notes, in a
 * blockquote) is shown, highlighted, with no buttons.
 * Lessons are trusted content from the repository, so raw HTML in them is kept.
 */
function markdownRenderer(codeBlocks: readonly CodeBlock[]): Marked {
  let next = 0;
  return new Marked({
    gfm: true,
    renderer: {
      code({ text, lang, codeBlockStyle }: Tokens.Code): string {
        const block = codeBlockStyle === 'indented' ? undefined : codeBlocks[next];
        if (block && block.code === text) {
          next++;
          return codeFrame(block, true);
        }
        return codeFrame({ lang: codeBlockStyle === 'indented' ? '' : parseCodeInfo(lang ?? '').lang, mode: 'display', interrupt: false, code: text }, false);
      },
      // One level down: the page around a slide holds the one h1 (the lesson's title), and a slide's own title is an h2.
      heading(this: RendererThis, { tokens, depth }: Tokens.Heading): string {
        const level = Math.min(depth + 1, 6);
        return `<h${level}>${this.parser.parseInline(tokens)}</h${level}>\n`;
      },
      // External links open in a new tab: leaving the page would drop the learner's terminal view.
      // An `editor:` link is a button that opens the file in the editor (the Deck handles data-action="open-file").
      link(this: RendererThis, { href, tokens }: Tokens.Link): string {
        const drawn = previewValueOf(href);
        if (drawn !== undefined) {
          // [your site](preview:${{port}}): a port drawn per learner; the deck sets the address once it has the learner's value.
          return `<a href="/preview/learner-value:${drawn}" target="_blank" rel="noopener noreferrer" data-preview-value="${drawn}">${this.parser.parseInline(tokens)}</a>`;
        }
        const preview = previewPortOf(href);
        if (preview !== undefined) {
          // [your site](preview:9090): the learner's own web preview of that port, in a tab of its own (platform/preview).
          return `<a href="/preview/${preview}" target="_blank" rel="noopener noreferrer" data-preview-port="${preview}">${this.parser.parseInline(tokens)}</a>`;
        }
        const editor = editorLinkTarget(href);
        if (editor?.ok) {
          return `<button type="button" class="editor-link" data-action="open-file" data-path="${escapeHtml(editor.path)}" title="Open ${escapeHtml(editor.path)} in the editor">${this.parser.parseInline(tokens)}</button>`;
        }
        if (editor) return `<span class="editor-link-invalid" title="${escapeHtml(editor.problem)}">${this.parser.parseInline(tokens)}</span>`;
        const external = /^https?:/.test(href);
        return `<a href="${escapeHtml(href)}"${external ? ' target="_blank" rel="noreferrer"' : ''}>${this.parser.parseInline(tokens)}</a>`;
      },
    },
  });
}

/**
 * The port of a `preview:<port>` link (a lesson's link to the learner's web
 * preview), undefined for any other link. A malformed one (`preview:x`) is
 * a lint error (lint.ts) and renders as written.
 */
export function previewPortOf(href: string): number | undefined {
  const match = /^preview:(\d{1,5})$/.exec(href);
  const port = match ? Number(match[1]) : NaN;
  return port >= 1 && port <= 65_535 ? port : undefined;
}

/** The value name of a `preview:${{name}}` link (a port drawn per learner), undefined for any other link. */
export function previewValueOf(href: string): string | undefined {
  return /^preview:\$\{\{\s*([a-z0-9]+(?:-[a-z0-9]+)*)\s*\}\}$/.exec(href)?.[1];
}

/** For inline Markdown, which has no code blocks. */
const inlineRenderer = markdownRenderer([]);

export interface RenderedSlide {
  index: number;
  title: string;
  html: string;
  notesHtml: string;
}

/** Markdown with the code blocks the lesson parser found in it (none: every fenced block is shown without buttons). */
export function renderMarkdown(markdown: string, codeBlocks: readonly CodeBlock[] = []): string {
  return valueElements(markdownRenderer(codeBlocks).parse(markdown, { async: false }));
}

/** One line of Markdown without a paragraph around it (hints, titles). */
export function renderInline(markdown: string): string {
  return valueElements(inlineRenderer.parseInline(markdown, { async: false }));
}

export function renderSlides(slides: Slide[]): RenderedSlide[] {
  return slides.map((s) => ({ index: s.index, title: s.title, html: renderMarkdown(s.body, s.codeBlocks), notesHtml: s.notes ? renderMarkdown(s.notes) : '' }));
}
