// The memory-size parser lives in the core (machine/memory-size.ts), shared with the browser host.
export { parseSize, formatSize } from '../../machine/memory-size.js';
