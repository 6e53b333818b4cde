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
  // 3: instructor-led classes (lesson_ids: JSON array, in teaching order) and who joined them.
  // A join code is unique among open classes only (checked when a class is created), so codes can be reused later.
  `CREATE TABLE classes (
     id                 TEXT PRIMARY KEY,
     name               TEXT NOT NULL,
     join_code          TEXT NOT NULL,
     lesson_ids         TEXT NOT NULL,
     created_at         INTEGER NOT NULL,
     ends_at            INTEGER NOT NULL,
     ended_at           INTEGER,
     expected_learners  INTEGER NOT NULL
   ) STRICT;
   CREATE INDEX classes_by_join_code ON classes (join_code, created_at);
   CREATE TABLE class_members (
     class_id      TEXT NOT NULL REFERENCES classes(id),
     learner_id    TEXT NOT NULL REFERENCES learners(id),
     display_name  TEXT NOT NULL,
     joined_at     INTEGER NOT NULL,
     PRIMARY KEY (class_id, learner_id)
   ) STRICT;
   CREATE INDEX class_members_by_learner ON class_members (learner_id);`,
  // 4: each class member's namespace in the class's writable registry, fixed once given
  // (a display name can change later; pushed images and the sandbox's login must not).
  `CREATE TABLE class_registry_namespaces (
     class_id    TEXT NOT NULL,
     learner_id  TEXT NOT NULL,
     namespace   TEXT NOT NULL,
     created_at  INTEGER NOT NULL,
     PRIMARY KEY (class_id, learner_id),
     UNIQUE (class_id, namespace),
     FOREIGN KEY (class_id, learner_id) REFERENCES class_members (class_id, learner_id)
   ) STRICT;`,
  // 5: when a learner first looked at an exercise's solution (kept in the grades beside the attempts).
  `CREATE TABLE solution_views (
     learner_id   TEXT NOT NULL REFERENCES learners(id),
     lesson_id    TEXT NOT NULL,
     exercise_id  TEXT NOT NULL,
     shown_at     INTEGER NOT NULL,
     PRIMARY KEY (learner_id, lesson_id, exercise_id)
   ) STRICT;`,
  // 6: how many of an exercise's hints a learner revealed (hints open in order, so a count says which), and when.
  `CREATE TABLE hint_reveals (
     learner_id     TEXT NOT NULL REFERENCES learners(id),
     lesson_id      TEXT NOT NULL,
     exercise_id    TEXT NOT NULL,
     hints_used     INTEGER NOT NULL CHECK (hints_used > 0),
     first_hint_at  INTEGER NOT NULL,
     last_hint_at   INTEGER NOT NULL,
     PRIMARY KEY (learner_id, lesson_id, exercise_id)
   ) STRICT;`,
];
