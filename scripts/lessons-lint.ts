/** `npm run lessons:lint`: every problem in lessons/ as file:line: sentence; exit 1 if any. */
import { lintCourse } from '../lib/lesson-format/lint';

const { lessons, problems } = lintCourse();
for (const p of problems) console.log(`${p.file}:${p.line}: ${p.message}`);
const exercises = lessons.reduce((n, l) => n + (l.ok ? l.lesson.slides.filter((s) => s.exercise).length : 0), 0);
console.log(`${lessons.length} lessons, ${exercises} exercises, ${problems.length} problem${problems.length === 1 ? '' : 's'}`);
process.exit(problems.length > 0 ? 1 : 0);
