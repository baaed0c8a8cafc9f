// The little of a dedicated worker's global scope the workers use (the project's TypeScript
// configuration for the browser has the DOM's types, not the WebWorker ones).

export interface WorkerScope {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent) => void) | null;
  close(): void;
}

export const scope = globalThis as unknown as WorkerScope;
