import { createHmac } from 'node:crypto';
import { instantiate, type LearnerValues } from '../../protocol/lesson-values';
import type { Exercise, ValueGenerator } from './schema';

export { instantiate, type LearnerValues } from '../../protocol/lesson-values';

/**
 * Values drawn per learner (lessons/README.md): a lesson's manifest declares
 * `values: { port: { port: [9000, 9999] } }`, its slides and exercises say
 * `${{ port }}`, and each learner gets their own port, so an exercise cannot
 * be passed by copying a neighbour's command or the slide's.
 *
 * Values are derived, never stored: HMAC-SHA256(key, learner \0 lesson \0 name)
 * mapped onto the generator. The key is the site's cookie secret's sub-key
 * (lessonValuesKey), so values are the same across restarts, and a learner,
 * who knows neither, cannot compute another learner's values.
 *
 * Mapping: a 48-bit slice of the MAC taken modulo the range size. The bias is
 * at most size / 2^48 (under 10^-9 for any port range), far below anything a
 * learner could notice or use.
 */

/** The key values are derived with: a sub-key of the site's cookie secret, so the secret itself never signs anything else. */
export function lessonValuesKey(cookieSecret: Buffer): Buffer {
  return createHmac('sha256', cookieSecret).update('drydock lesson values v1').digest();
}

function mac(key: Buffer, learnerId: string, lessonId: string, name: string, attempt: number): Buffer {
  return createHmac('sha256', key)
    .update(`${learnerId}\0${lessonId}\0${name}${attempt > 0 ? `\0${attempt}` : ''}`)
    .digest();
}

/** A uniform-enough integer in [0, n) from 6 bytes of the MAC at `offset`. */
function below(bytes: Buffer, offset: number, n: number): number {
  return bytes.readUIntBE(offset, 6) % n;
}

const CONSONANTS = 'bdfgklmnprstvz';
const VOWELS = 'aeiou';

/** One value from 32 bytes of MAC. */
function generate(generator: ValueGenerator, bytes: Buffer): string {
  if ('port' in generator) {
    const [from, to] = generator.port;
    return String(from + below(bytes, 0, to - from + 1));
  }
  if ('pick' in generator) return generator.pick[below(bytes, 0, generator.pick.length)]!;
  if ('word' in generator) {
    // Consonant, vowel, consonant…: easy to read off a slide and type (2 bytes a letter; 16 letters at most).
    return Array.from({ length: generator.word }, (_, i) => {
      const letters = i % 2 === 0 ? CONSONANTS : VOWELS;
      return letters[bytes.readUInt16BE(2 * i) % letters.length];
    }).join('');
  }
  return bytes.toString('hex').slice(0, generator.hex);
}

/** How many times a value is drawn again when it equals one drawn before it in the same lesson. */
const REDRAWS = 16;

/**
 * A learner's values of one lesson. Deterministic: the same learner, lesson
 * and key always give the same values. Values of one lesson differ from each
 * other when their ranges allow (two ports of a lesson never collide): a
 * value equal to one drawn before it (in manifest order) is drawn again.
 */
export function valuesFor(generators: Readonly<Record<string, ValueGenerator>>, learnerId: string, lessonId: string, key: Buffer): LearnerValues {
  const values: Record<string, string> = {};
  const taken = new Set<string>();
  for (const [name, generator] of Object.entries(generators)) {
    let value = '';
    for (let attempt = 0; attempt <= REDRAWS; attempt++) {
      value = generate(generator, mac(key, learnerId, lessonId, name, attempt));
      if (!taken.has(value)) break;
    }
    taken.add(value);
    values[name] = value;
  }
  return values;
}

/**
 * One fixed value per name (the lowest port, the first word…): what the
 * parser checks an exercise's shape with, since `"${{ port }}:80"` is not a
 * port mapping until a value is in it.
 */
export function sampleValues(generators: Readonly<Record<string, ValueGenerator>>): LearnerValues {
  return Object.fromEntries(
    Object.entries(generators).map(([name, g]) => [name, 'port' in g ? String(g.port[0]) : 'pick' in g ? g.pick[0]! : 'word' in g ? 'b'.repeat(g.word) : '0'.repeat(g.hex)]),
  );
}

/** An exercise as one learner must do it: every placeholder in its title, checks, hints and solution replaced by their value. */
export function instantiateExercise(exercise: Exercise, values: LearnerValues): Exercise {
  return instantiate(exercise, values);
}
