/**
 * The schema, as an ordered list of migrations. Append only: a released
 * migration is never edited, so every database can be brought forward.
 */
export const MIGRATIONS: readonly string[] = [
  `CREATE TABLE learners (
     id            TEXT PRIMARY KEY,
     created_at    INTEGER NOT NULL,
     last_seen_at  INTEGER NOT NULL
   ) STRICT;`,
  // 2: graded attempts (with the evidence the server gathered) and per-exercise progress.
  `CREATE TABLE check_attempts (
     id           INTEGER PRIMARY KEY,
     learner_id   TEXT NOT NULL REFERENCES learners(id),
     lesson_id    TEXT NOT NULL,
     exercise_id  TEXT NOT NULL,
     attempt      INTEGER NOT NULL,
     passed       INTEGER NOT NULL CHECK (passed IN (0, 1)),
     evidence     TEXT NOT NULL,
     duration_ms  INTEGER NOT NULL,
     created_at   INTEGER NOT NULL,
     UNIQUE (learner_id, lesson_id, exercise_id, attempt)
   ) STRICT;
   CREATE TABLE exercise_progress (
     learner_id       TEXT NOT NULL REFERENCES learners(id),
     lesson_id        TEXT NOT NULL,
     exercise_id      TEXT NOT NULL,
     attempts         INTEGER NOT NULL,
     first_passed_at  INTEGER,
     last_attempt_at  INTEGER NOT NULL,
     PRIMARY KEY (learner_id, lesson_id, exercise_id)
   ) STRICT;
   CREATE TABLE lesson_positions (
     learner_id  TEXT NOT NULL REFERENCES learners(id),
     lesson_id   TEXT NOT NULL,
     slide       INTEGER NOT NULL,
     updated_at  INTEGER NOT NULL,
     PRIMARY KEY (learner_id, lesson_id)
   ) STRICT;`,
];
