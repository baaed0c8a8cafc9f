// V8 stores a number in an object field either as a small integer (a Smi: below 2^30 in
// magnitude) or as a double, chosen by the first value the field holds. A field that starts as
// a Smi and later holds a larger number (a counter past 2^30, a host offset past 1 GiB, the low
// word of a kernel address) changes the shape of its object: every optimized function that
// uses such objects is thrown away, a hot loop deoptimizes many times before its code is
// rebuilt, and each thread of an SMP machine pays that again.

/** Zero as a double (-0 is not a Smi): a field that starts with it is a double from the start. */
export const DOUBLE_ZERO = -0;
