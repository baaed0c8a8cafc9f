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
  interface TableDescriptor {
    element: 'anyfunc';
    initial: number;
    maximum?: number;
  }
  class Table {
    /** every element starts as `value` (default null) */
    constructor(descriptor: TableDescriptor, value?: Function | null);
    get(index: number): Function | null;
    set(index: number, value: Function | null): void;
    readonly length: number;
  }
  type ImportValue = Function | Memory | Table | number;
  type Imports = Record<string, Record<string, ImportValue>>;
  class Instance {
    constructor(module: Module, imports?: Imports);
    readonly exports: Record<string, Function | Memory>;
  }
}
