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
];
