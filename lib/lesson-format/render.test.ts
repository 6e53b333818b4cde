import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLesson } from './parse';
import { renderMarkdown, renderSlides } from './render';

const FENCE = '```';
const count = (haystack: string, needle: string): number => haystack.split(needle).length - 1;

/** A one-slide lesson with this Markdown under its title, parsed by the lesson parser and rendered as the deck gets it. */
function renderSlide(markdown: string): string {
  const source = ['---', 'id: render', 'title: Render', 'summary: A slide.', 'level: beginner', 'minutes: 1', '---', '# Slide', '', markdown].join('\n');
  const parsed = parseLesson(source, 'render.md');
  if (!parsed.ok) assert.fail(parsed.problems.map((p) => p.message).join('; '));
  return renderSlides(parsed.lesson.slides)[0]!.html;
}

describe('rendering code blocks as the lesson parser read them', () => {
  test('a "sh run interrupt" block gets a run button with data-interrupt, and a copy button', () => {
    const html = renderSlide(`${FENCE}sh run interrupt\ndocker run -it busybox\n${FENCE}\n`);
    assert.equal(count(html, 'data-action="run"'), 1);
    assert.match(html, /<button[^>]*data-action="run"[^>]*data-interrupt="true"/);
    assert.equal(count(html, 'data-action="copy"'), 1);
    assert.match(html, /class="code-block code-block-run"/);
    assert.match(html, /data-lang="sh"/);
    assert.match(html.replace(/<span class="hljs-[a-z_]+">|<\/span>/g, ''), /<pre tabindex="0"><code class="hljs">docker run -it busybox<\/code><\/pre>/);
  });

  test('a plain "sh run" block has a run button without data-interrupt', () => {
    const html = renderSlide(`${FENCE}sh run\nls\n${FENCE}\n`);
    assert.equal(count(html, 'data-action="run"'), 1);
    assert.equal(count(html, 'data-action="copy"'), 1);
    assert.ok(!html.includes('data-interrupt'));
  });

  test('the content CI words (fails, foreground, skip-ci) render exactly like a plain run block', () => {
    const plain = renderSlide(`${FENCE}sh run\nls\n${FENCE}\n`);
    for (const word of ['fails', 'foreground', 'skip-ci']) assert.equal(renderSlide(`${FENCE}sh run ${word}\nls\n${FENCE}\n`), plain, word);
  });

  test('a copy block has only a copy button', () => {
    const html = renderSlide(`${FENCE}sh copy\necho hi\n${FENCE}\n`);
    assert.equal(count(html, 'data-action="copy"'), 1);
    assert.equal(count(html, 'data-action="run"'), 0);
    assert.equal(count(html, '<button'), 1);
    assert.ok(!html.includes('code-block-run'));
  });

  test('a display block has a Copy button and no Run', () => {
    const html = renderSlide(`${FENCE}dockerfile\nFROM busybox\n${FENCE}\n`);
    assert.equal(count(html, '<button'), 1);
    assert.match(html, /data-action="copy"/);
    assert.ok(!html.includes('data-action="run"'));
    assert.match(html, /data-lang="dockerfile"/);
    // Highlighted at render (build) time; the text itself is unchanged.
    assert.match(html, /<pre tabindex="0"><code class="hljs"><span class="hljs-keyword">FROM<\/span> busybox<\/code><\/pre>/);
  });

  test('HTML in code is escaped', () => {
    const html = renderSlide(`${FENCE}sh run\necho "<script>alert(1)</script>" && a & b > c\n${FENCE}\n`);
    assert.ok(!html.includes('<script>'));
    const text = html.replace(/<span class="hljs-[a-z_]+">|<\/span>/g, '');
    assert.match(text, /echo &quot;&lt;script&gt;alert\(1\)&lt;\/script&gt;&quot; &amp;&amp; a &amp; b &gt; c/);
  });

  test('a hostile language name is escaped in the attribute', () => {
    const html = renderSlide(`${FENCE}"><img>\nx\n${FENCE}\n`);
    assert.ok(!html.includes('<img>'));
    assert.match(html, /data-lang="&quot;&gt;&lt;img&gt;"/);
  });
});

describe('only the lesson parser decides what a code block is', () => {
  test('a block inside a list item (indented fence) keeps its buttons: the parser reads its code as marked does', () => {
    const html = renderSlide(['1. Start it:', '', `   ${FENCE}sh run`, '   docker ps', `   ${FENCE}`, '2. Then copy:', '', `   ${FENCE}sh copy`, '   echo hi', `   ${FENCE}`].join('\n'));
    assert.equal(count(html, 'data-action="run"'), 1);
    assert.equal(count(html, 'data-action="copy"'), 2);
  });

  test('a fence the lesson parser does not count as a block (in a blockquote) is shown, highlighted, without buttons', () => {
    const html = renderSlide([`> ${FENCE}sh run`, '> docker ps', `> ${FENCE}`, '', `${FENCE}sh run`, 'docker ps', FENCE].join('\n'));
    assert.equal(count(html, 'data-action="run"'), 1, 'only the block the parser found runs');
    assert.equal(count(html, 'data-lang="sh"'), 2);
  });

  test('speaker notes: code blocks are shown, never run', () => {
    const [notes] = renderSlides([{ index: 0, title: 'One', body: '# One', notes: `${FENCE}sh run\ndocker ps\n${FENCE}`, codeBlocks: [], line: 8 }]);
    assert.equal(count(notes!.notesHtml, '<button'), 0);
    assert.match(notes!.notesHtml, /data-lang="sh"/);
  });

  test('a preview:<port> link opens the learner’s web preview of that port in a tab of its own', () => {
    assert.equal(
      renderMarkdown('Open [your site](preview:9090).'),
      '<p>Open <a href="/preview/9090" target="_blank" rel="noopener noreferrer" data-preview-port="9090">your site</a>.</p>\n',
    );
    assert.doesNotMatch(renderMarkdown('[x](preview:0)'), /\/preview\//);
  });

  test('renderMarkdown without the parsed blocks gives no buttons', () => {
    assert.equal(count(renderMarkdown(`${FENCE}sh run\nls\n${FENCE}\n`), '<button'), 0);
  });
});

describe('renderMarkdown: links', () => {
  test('external links open in a new tab', () => {
    const html = renderMarkdown('See [the docs](https://docs.docker.com/engine/) and [http](http://example.com).');
    assert.match(html, /<a href="https:\/\/docs\.docker\.com\/engine\/" target="_blank" rel="noreferrer">the docs<\/a>/);
    assert.match(html, /<a href="http:\/\/example\.com" target="_blank" rel="noreferrer">http<\/a>/);
  });

  test('internal links stay in the page', () => {
    const html = renderMarkdown('Next: [namespaces](/lessons/namespaces) or [top](#top).');
    assert.match(html, /<a href="\/lessons\/namespaces">namespaces<\/a>/);
    assert.match(html, /<a href="#top">top<\/a>/);
    assert.ok(!html.includes('target='));
  });

  test('link text keeps its inline formatting', () => {
    assert.match(renderMarkdown('[**bold** link](https://x.test)'), /<a [^>]*><strong>bold<\/strong> link<\/a>/);
  });
});

describe('shell highlighting', () => {
  test('an option is not a command: rm in --rm and help in --help stay plain, a command rm is highlighted', () => {
    const html = renderMarkdown(`${FENCE}sh\ndocker run --rm busybox rm -f /x; echo --help\n${FENCE}\n`);
    assert.match(html, /--rm busybox <span class="hljs-built_in">rm<\/span> -f/);
    assert.match(html, /--help/);
    assert.doesNotMatch(html, /-<span/);
  });
});

describe('renderSlides', () => {
  test('renders body and notes, keeps index and title', () => {
    const [slide, bare] = renderSlides([
      { index: 0, title: 'One', body: '# One\n\nHello *you*', notes: 'Say **hi**', codeBlocks: [], line: 8 },
      { index: 1, title: 'Two', body: '# Two', notes: '', codeBlocks: [], line: 12 },
    ]);
    assert.equal(slide!.index, 0);
    assert.equal(slide!.title, 'One');
    assert.match(slide!.html, /<h2>One<\/h2>/, "a slide's title is an h2: the page holds the one h1");
    assert.match(slide!.html, /<em>you<\/em>/);
    assert.match(slide!.notesHtml, /<strong>hi<\/strong>/);
    assert.equal(bare!.notesHtml, '');
  });
});

describe('editor links', () => {
  test('an editor: link is a button that opens the file, its path escaped', () => {
    const html = renderSlide('Now [open the Dockerfile](editor:/root/app/Dockerfile) and edit it.');
    assert.match(html, /<button type="button" class="editor-link" data-action="open-file" data-path="\/root\/app\/Dockerfile" title="Open \/root\/app\/Dockerfile in the editor">open the Dockerfile<\/button>/);
    assert.equal(count(html, '<a '), 0);
  });
  test('a path with a space (percent-encoded by marked) is decoded once', () => {
    assert.match(renderSlide('[it](<editor:/root/my app/Dockerfile>)'), /data-path="\/root\/my app\/Dockerfile"/);
  });
  test('a bad path is no button (the lint reports it)', () => {
    const html = renderSlide('[x](editor:/root/../etc/shadow)');
    assert.equal(count(html, '<button'), 0);
    assert.match(html, /class="editor-link-invalid"/);
  });
});
