/**
 * What JSON files and untyped model files hand over is checked field by
 * field; this is the one test that a value is an object with fields (not
 * null, not an array) before its fields are read.
 */
export const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
