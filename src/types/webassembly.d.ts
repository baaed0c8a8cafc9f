// The part of the WebAssembly JavaScript API that the core uses. Node's type definitions leave
// WebAssembly out and the core is compiled without the DOM's; the browser build takes the DOM's
// full definitions instead of these.

declare namespace WebAssembly {
  interface MemoryDescriptor {
    initial: number;
    maximum?: number;
    shared?: boolean;
  }
  class Memory {
    constructor(descriptor: MemoryDescriptor);
    readonly buffer: ArrayBuffer | SharedArrayBuffer;
    grow(delta: number): number;
  }
  class Module {
    constructor(bytes: ArrayBufferView | ArrayBuffer);
  }
  type ImportValue = Function | Memory | number;
  type Imports = Record<string, Record<string, ImportValue>>;
  class Instance {
    constructor(module: Module, imports?: Imports);
    readonly exports: Record<string, Function | Memory>;
  }
}
