/**
 * Values drawn per learner (lessons/README.md, "Values drawn per learner"):
 * the placeholder syntax lesson authors write, `${{ name }}`, and the markup
 * the slide renderer (lib/lesson-format/render.ts) puts in its place, which
 * the deck (components/deck) fills with the learner's own value. Shared by
 * both sides, so it lives here; the values themselves are derived on the
 * server only (lib/lesson-format/lesson-values.ts).
 *
 * Why `${{ name }}`: it is not valid shell (`${{` is a bad substitution), nor
 * Go-template (Docker's `{{.State.Status}}` formats start with `{{`, never
 * `${{`), so a placeholder can sit in any script or command without colliding
 * with what the learner types.
 */

/** A value's name: lowercase letters, digits and dashes. */
export const VALUE_NAME = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** One placeholder; spaces inside the braces are optional (`${{port}}` fits in a Markdown link). */
const PLACEHOLDER = /\$\{\{\s*([a-z0-9]+(?:-[a-z0-9]+)*)\s*\}\}/g;
/** Anything that opens like a placeholder, well-formed or not (for lint). */
const OPENER = /\$\{\{[^}\n]*\}?\}?/g;

/** A learner's values of one lesson: name → the text that replaces its placeholder. */
export type LearnerValues = Readonly<Record<string, string>>;

/** The names of the placeholders in a text, in order, with repeats. */
export function placeholderNames(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((m) => m[1]!);
}

/** `${{ … }}` spans that are not a placeholder (a capital letter, a space in the name, an unclosed brace). */
export function malformedPlaceholders(text: string): string[] {
  return [...text.matchAll(OPENER)].map((m) => m[0]).filter((s) => !new RegExp(`^${PLACEHOLDER.source}$`).test(s));
}

/** A text with each placeholder replaced by its value; `missing` says what an unknown name becomes (default: left as written). */
export function fillText(text: string, values: LearnerValues, missing?: (name: string) => string): string {
  return text.replace(PLACEHOLDER, (whole, name: string) => (Object.hasOwn(values, name) ? values[name]! : missing ? missing(name) : whole));
}

/**
 * Every string inside a value (objects and arrays, deeply) with its
 * placeholders replaced; numbers, booleans and keys are left alone. A new
 * value: the argument is not changed.
 */
export function instantiate<T>(value: T, values: LearnerValues): T {
  if (typeof value === 'string') return fillText(value, values) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => instantiate(v, values)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, instantiate(v, values)])) as T;
  }
  return value;
}

/** The class of the element that stands for a value in rendered slides. */
export const LEARNER_VALUE_CLASS = 'learner-value';

/** The element a placeholder becomes in rendered HTML: the value's name until the deck fills in the learner's value. */
export function learnerValueSpan(name: string): string {
  return `<span class="${LEARNER_VALUE_CLASS}" data-value="${name}">${name}</span>`;
}

const SPAN = /<span class="learner-value" data-value="([a-z0-9-]+)">[a-z0-9-]+<\/span>/g;
/** A `[text](preview:${{port}})` link as the renderer writes it: its address waits for the learner's port. */
const PREVIEW_LINK = /href="\/preview\/learner-value:([a-z0-9-]+)"([^>]*) data-preview-value="\1"/g;

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Rendered HTML with each value element holding the learner's value (marked data-filled); names without a value stay as they are. */
export function fillLearnerValues(html: string, values: LearnerValues): string {
  return html
    .replace(SPAN, (whole, name: string) =>
      Object.hasOwn(values, name) ? `<span class="${LEARNER_VALUE_CLASS}" data-value="${name}" data-filled="true">${escapeHtml(values[name]!)}</span>` : whole,
    )
    .replace(PREVIEW_LINK, (whole, name: string, between: string) => {
      const port = values[name];
      return Object.hasOwn(values, name) && /^\d{1,5}$/.test(port!) ? `href="/preview/${port}"${between} data-preview-port="${port}"` : whole;
    });
}

/** Whether rendered HTML holds any value element (a lesson without values needs no fetch). */
export function hasLearnerValues(html: string): boolean {
  return html.includes(`class="${LEARNER_VALUE_CLASS}"`) || html.includes('data-preview-value=');
}
