/**
 * The editor widget: CodeMirror 6, not Monaco. Why:
 * - Size: this module's chunk (CodeMirror, the Dockerfile mode and the
 *   dockerfile-utils linter) is ~500 KB minified, 150 KB gzipped, loaded
 *   only when the learner first opens the Editor (a dynamic import in
 *   EditorPane); Monaco alone is several MB.
 * - CSP: the site sends `script-src 'self' 'nonce-…'` without 'unsafe-eval'
 *   and no worker-src. Monaco's language services run in web workers, loaded
 *   from blob: or separate bundles that need extra CSP and Next.js loader
 *   configuration; CodeMirror runs on the main thread with no workers and no
 *   eval, and its styles are inline <style> elements, which style-src allows (EditorView.cspNonce
 *   would carry a nonce if style-src ever required one).
 * - Touch and mobile: CodeMirror edits through a contenteditable, so phones
 *   and tablets get their native selection and keyboards; Monaco does not
 *   support mobile browsers.
 * - Accessibility: the content is a real contenteditable with an ARIA label,
 *   read by screen readers as text; Tab is not captured, so keyboard users
 *   can leave the editor.
 * - Dockerfiles: a stream mode highlights them (@codemirror/legacy-modes);
 *   lint comes from dockerfile-utils in the browser (dockerfile-lint.ts).
 *   Monaco's own Dockerfile support is highlighting only.
 */
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { HighlightStyle, StreamLanguage, bracketMatching, defaultHighlightStyle, indentOnInput, syntaxHighlighting } from '@codemirror/language';
import { dockerFile } from '@codemirror/legacy-modes/mode/dockerfile';
import { shell } from '@codemirror/legacy-modes/mode/shell';
import { lintGutter, linter, type Diagnostic } from '@codemirror/lint';
import { highlightSelectionMatches, searchKeymap } from '@codemirror/search';
import { Compartment, EditorState, type Extension } from '@codemirror/state';
import { EditorView, drawSelection, highlightActiveLine, highlightActiveLineGutter, keymap, lineNumbers } from '@codemirror/view';
import { tags } from '@lezer/highlight';
import { isDockerfile, lintDockerfile, type DockerfileProblem } from './dockerfile-lint';

export type EditorTheme = 'light' | 'dark';

const darkHighlight = HighlightStyle.define([
  { tag: tags.keyword, color: '#7dd3fc', fontWeight: '600' },
  { tag: [tags.string, tags.special(tags.string)], color: '#86efac' },
  { tag: tags.comment, color: '#94a3b8', fontStyle: 'italic' },
  { tag: [tags.variableName, tags.definition(tags.variableName)], color: '#fcd34d' },
  { tag: [tags.number, tags.bool, tags.atom], color: '#f9a8d4' },
  { tag: tags.operator, color: '#e2e8f0' },
]);

function themeExtension(theme: EditorTheme): Extension {
  const dark = theme === 'dark';
  return [
    EditorView.theme(
      {
        '&': { height: '100%', fontSize: '13px', backgroundColor: dark ? '#0b1220' : '#ffffff', color: dark ? '#e2e8f0' : '#0f172a' },
        '.cm-scroller': { fontFamily: 'ui-monospace, SFMono-Regular, Menlo, monospace' },
        '.cm-content': { caretColor: dark ? '#e2e8f0' : '#0f172a' },
        '.cm-gutters': { backgroundColor: dark ? '#0f172a' : '#f8fafc', color: dark ? '#94a3b8' : '#475569', border: 'none' },
        '.cm-activeLine': { backgroundColor: dark ? '#1e293b66' : '#e0f2fe66' },
        '.cm-activeLineGutter': { backgroundColor: dark ? '#1e293b' : '#e0f2fe' },
        '&.cm-focused .cm-selectionBackground, .cm-selectionBackground': { backgroundColor: dark ? '#334155' : '#bae6fd' },
        '.cm-tooltip': { backgroundColor: dark ? '#1e293b' : '#ffffff', color: dark ? '#e2e8f0' : '#0f172a' },
      },
      { dark },
    ),
    syntaxHighlighting(dark ? darkHighlight : defaultHighlightStyle),
  ];
}

function languageOf(path: string): Extension {
  if (isDockerfile(path)) return StreamLanguage.define(dockerFile);
  if (/\.(sh|bash)$/.test(path) || /\/\.(bashrc|profile)$/.test(path)) return StreamLanguage.define(shell);
  return [];
}

export interface EditorCallbacks {
  /** Ctrl+S / ⌘S. */
  onSave(): void;
  /** Every change of the text (for the dirty marker). */
  onChange(path: string, text: string): void;
  /** A Dockerfile's problems, after each lint. */
  onProblems(path: string, problems: DockerfileProblem[]): void;
}

/**
 * One CodeMirror view, one EditorState per open file (its own undo history
 * and selection): switching tabs swaps the state into the view.
 */
export class CodeEditor {
  private readonly view: EditorView;
  private readonly states = new Map<string, EditorState>();
  private readonly theme = new Compartment();
  private current: string | null = null;

  constructor(
    parent: HTMLElement,
    private themeName: EditorTheme,
    private readonly callbacks: EditorCallbacks,
  ) {
    this.view = new EditorView({ parent, state: EditorState.create({ doc: '', extensions: [EditorState.readOnly.of(true), this.theme.of(themeExtension(themeName))] }) });
  }

  /** Opens (or re-opens, keeping its edits) a file and shows it. */
  open(path: string, text: string): void {
    if (!this.states.has(path)) this.states.set(path, this.createState(path, text));
    this.show(path);
  }

  show(path: string): void {
    const state = this.states.get(path);
    if (!state || path === this.current) return;
    if (this.current) this.states.set(this.current, this.view.state);
    this.view.setState(state);
    this.view.dispatch({ effects: this.theme.reconfigure(themeExtension(this.themeName)) });
    this.current = path;
  }

  close(path: string): void {
    this.states.delete(path);
    if (this.current === path) {
      this.current = null;
      this.view.setState(EditorState.create({ doc: '', extensions: [EditorState.readOnly.of(true), this.theme.of(themeExtension(this.themeName))] }));
    }
  }

  text(path: string): string | undefined {
    if (path === this.current) return this.view.state.doc.toString();
    return this.states.get(path)?.doc.toString();
  }

  setTheme(theme: EditorTheme): void {
    this.themeName = theme;
    this.view.dispatch({ effects: this.theme.reconfigure(themeExtension(theme)) });
  }

  /** Moves the cursor to a position of the shown file and focuses the editor. */
  reveal(from: number): void {
    this.view.dispatch({ selection: { anchor: Math.min(from, this.view.state.doc.length) }, scrollIntoView: true });
    this.view.focus();
  }

  focus(): void {
    this.view.focus();
  }

  dispose(): void {
    this.view.destroy();
    this.states.clear();
  }

  private createState(path: string, text: string): EditorState {
    const dockerfile = isDockerfile(path);
    return EditorState.create({
      doc: text,
      extensions: [
        lineNumbers(),
        highlightActiveLineGutter(),
        history(),
        drawSelection(),
        indentOnInput(),
        bracketMatching(),
        highlightActiveLine(),
        highlightSelectionMatches(),
        // Tab is left to the browser, so it moves focus out of the editor (no keyboard trap); Mod-] and Mod-[ indent (defaultKeymap).
        keymap.of([
          { key: 'Mod-s', preventDefault: true, run: () => (this.callbacks.onSave(), true) },
          ...defaultKeymap,
          ...historyKeymap,
          ...searchKeymap,
        ]),
        languageOf(path),
        EditorView.contentAttributes.of({ 'aria-label': `Contents of ${path}` }),
        EditorView.lineWrapping,
        EditorView.updateListener.of((update) => {
          if (update.docChanged) this.callbacks.onChange(path, update.state.doc.toString());
        }),
        dockerfile
          ? [
              linter(
                (view): Diagnostic[] => {
                  const problems = lintDockerfile(view.state.doc.toString());
                  this.callbacks.onProblems(path, problems);
                  return problems.map((p) => ({ from: p.from, to: p.to, severity: p.severity, message: p.message, source: 'dockerfile-utils' }));
                },
                { delay: 300 },
              ),
              lintGutter(),
            ]
          : [],
        this.theme.of(themeExtension(this.themeName)),
      ],
    });
  }
}
