/** How a hart runs instructions: the interpreter alone, or hot code translated to WebAssembly. */
export const ENGINE_NAMES = ['interp', 'jit'] as const;
export type EngineName = typeof ENGINE_NAMES[number];
