/** The HTTP and Server-Sent Events bodies the browser and the platform share (one file per area). */
export * from './common';
export * from './error';
export * from './progress';
export * from './check';
export * from './classroom';
export * from './instructor';
export * from './deck';
export * from './grades';
export * from './body';
export * from './preview';
export * from './sandbox-files';
export * from './environments';
export * from './lesson-values';
