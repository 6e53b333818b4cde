/** The few log calls the server makes; console by default, silent in tests that want quiet. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export const consoleLogger: Logger = {
  info: (m) => console.log(`[sandbox] ${m}`),
  warn: (m) => console.warn(`[sandbox] ${m}`),
  error: (m) => console.error(`[sandbox] ${m}`),
};

export const silentLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} };
