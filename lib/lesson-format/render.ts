import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import dockerfile from 'highlight.js/lib/languages/dockerfile';
import ini from 'highlight.js/lib/languages/ini';
import json from 'highlight.js/lib/languages/json';
import yaml from 'highlight.js/lib/languages/yaml';
import { Marked, type RendererThis, type Tokens } from 'marked';

// Highlighting happens here, on the server, when the static pages are built:
// the browser gets coloured HTML and no highlighter code.
hljs.registerLanguage('bash', bash);
hljs.registerLanguage('dockerfile', dockerfile);
hljs.registerLanguage('ini', ini);
hljs.registerLanguage('json', json);
hljs.registerLanguage('yaml', yaml);
const LANGUAGE_ALIASES: Record<string, string> = { sh: 'bash', shell: 'bash', console: 'bash', docker: 'dockerfile', yml: 'yaml', toml: 'ini' };

function highlight(code: string, language: string): string {
  const name = LANGUAGE_ALIASES[language] ?? language;
  return hljs.getLanguage(name) ? hljs.highlight(code, { language: name, ignoreIllegals: true }).value : escapeHtml(code);
}
import type { Slide } from './schema';

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * Markdown → HTML for slides. Code blocks become a frame with buttons; the
 * Deck component handles their clicks by event delegation (data-action).
 * Lessons are trusted content from the repository, so raw HTML in them is kept.
 */
const marked = new Marked({
  gfm: true,
  renderer: {
    code({ text, lang }: Tokens.Code): string {
      const [language = '', ...words] = (lang ?? '').trim().split(/\s+/);
      const run = words.includes('run');
      const copy = run || words.includes('copy');
      const interrupt = words.includes('interrupt');
      const buttons = [
        run ? `<button type="button" class="code-action code-run" data-action="run"${interrupt ? ' data-interrupt="true"' : ''} title="Type this into your terminal and press Enter">▶ Run</button>` : '',
        copy ? `<button type="button" class="code-action" data-action="copy" title="Copy to the clipboard">Copy</button>` : '',
      ].join('');
      return `<div class="code-block${run ? ' code-block-run' : ''}" data-lang="${escapeHtml(language)}">${buttons ? `<div class="code-actions">${buttons}</div>` : ''}<pre><code class="hljs">${highlight(text, language)}</code></pre></div>`;
    },
    // External links open in a new tab: leaving the page would drop the learner's terminal view.
    link(this: RendererThis, { href, tokens }: Tokens.Link): string {
      const external = /^https?:/.test(href);
      return `<a href="${escapeHtml(href)}"${external ? ' target="_blank" rel="noreferrer"' : ''}>${this.parser.parseInline(tokens)}</a>`;
    },
  },
});

export interface RenderedSlide {
  index: number;
  title: string;
  html: string;
  notesHtml: string;
}

export function renderMarkdown(markdown: string): string {
  return marked.parse(markdown, { async: false });
}

/** One line of Markdown without a paragraph around it (hints, titles). */
export function renderInline(markdown: string): string {
  return marked.parseInline(markdown, { async: false });
}

export function renderSlides(slides: Slide[]): RenderedSlide[] {
  return slides.map((s) => ({ index: s.index, title: s.title, html: renderMarkdown(s.body), notesHtml: s.notes ? renderMarkdown(s.notes) : '' }));
}
