/** Importing an instructor's Marp or reveal.js deck as a Drydock lesson skeleton (`npm run lessons:import`). */
export { importDeck, type ImportOptions, type ImportResult } from './convert';
export { DECK_FORMATS, DeckImportError, type DeckFormat } from './deck';
export { checkId, idFromFileName, lintLessonAlone, writeLesson, type WriteResult } from './lesson-files';
export type { ImportCounts, ImportWarning } from './prose';
