// The long tests: exhaustive or full-size variants of what a fast test already checks on a representative subset.
// They run when EDGEMOE_LONG_TESTS=1 or CI=true (CI has the time); otherwise mocha lists them as pending, by name.

/** Whether the long tests run in this process. */
export const LONG_TESTS = process.env.EDGEMOE_LONG_TESTS === '1' || process.env.CI === 'true';

/**
 * `it` for a long test: runs under EDGEMOE_LONG_TESTS=1 / CI=true, else pending (shown, never silently dropped).
 * It looks up mocha's global `it` at each call: mocha sets it per test file, and a parallel worker runs several files
 * with one module cache, so an `it` captured when this module loaded would add tests to a finished file's suite.
 */
export function longIt(title: string, fn: Mocha.Func | Mocha.AsyncFunc): Mocha.Test {
  return LONG_TESTS ? it(title, fn) : it.skip(title, fn);
}
