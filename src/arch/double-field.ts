// V8 stores a number in an object field either as a small integer (a Smi: 32 bits in Node, 31
// in browsers, whose V8 compresses pointers) or as a double, chosen by the first value the
// field holds. A field that starts as a Smi and later holds a number outside that range (a
// counter that grows past it; in a browser also a host offset past 1 GiB or the low word of a
// kernel address) changes the shape of its object: every optimized function that uses such
// objects is thrown away, a hot loop deoptimizes many times before its code is rebuilt, and
// each thread of an SMP machine pays that again.

/** Zero as a double (-0 is not a Smi): a field that starts with it is a double from the start. */
export const DOUBLE_ZERO = -0;

/** "No count" for a field that otherwise holds a count of instructions (a double): negative, and not a Smi. */
export const DOUBLE_NONE = -0.5;
