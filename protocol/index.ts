export * from './control';
export * from './frames';
export * from './sandbox-engine-signal';
export * from './environment';
