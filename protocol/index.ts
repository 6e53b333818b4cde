export * from './control';
export * from './frames';
