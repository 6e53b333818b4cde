import { malformedPlaceholders, placeholderNames } from '../../protocol/lesson-values';
import type { Lesson, LessonProblem } from './schema';

/**
 * Lint of values drawn per learner, on the lesson's source (so every
 * placeholder is reported at its own line: slides, notes, code blocks and
 * exercises alike): a placeholder of a value the manifest does not declare, a
 * `${{ … }}` that is not a placeholder, a declared value nothing uses, and a
 * placeholder in an exercise's title.
 */
export function valueProblems(source: string, lesson: Lesson): LessonProblem[] {
  const { file, manifest } = lesson;
  const declared = Object.keys(manifest.values);
  const used = new Set<string>();
  const problems: LessonProblem[] = [];
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  // The manifest (between the first two --- lines) declares values; it does not use them.
  const bodyStart = lines.findIndex((l, i) => i > 0 && /^---\s*$/.test(l)) + 1;
  lines.forEach((text, i) => {
    if (i < bodyStart) return;
    for (const name of placeholderNames(text)) {
      used.add(name);
      if (!Object.hasOwn(manifest.values, name)) {
        const known = declared.length > 0 ? `declared: ${declared.join(', ')}` : 'the manifest declares none';
        problems.push({ file, line: i + 1, message: `\${{ ${name} }} names no value: declare "${name}" under values: in the manifest (${known})` });
      }
    }
    for (const bad of malformedPlaceholders(text)) {
      problems.push({ file, line: i + 1, message: `"${bad}" is not a placeholder: write \${{ name }}, with a declared value's name (lowercase letters, digits, dashes)` });
    }
  });
  // A title is shown where no one learner's values are: the instructor's grid, the grade exports, the lesson list.
  for (const exercise of lesson.slides.flatMap((s) => (s.exercise ? [s.exercise] : []))) {
    if (placeholderNames(exercise.title).length > 0) {
      problems.push({ file, line: exercise.line, message: `exercise "${exercise.id}": its title has a placeholder; titles are shown where there are no learner's values (the instructor's grid, grade exports): say it without one` });
    }
  }
  const valuesLine = lines.findIndex((l) => /^values:/.test(l)) + 1 || 1;
  for (const name of declared) {
    if (!used.has(name)) problems.push({ file, line: valuesLine, message: `value "${name}" is declared but nothing uses \${{ ${name} }}` });
  }
  return problems;
}
