// The long tests: exhaustive or full-size variants of what a fast test already checks on a representative subset.
// They run when EDGEMOE_LONG_TESTS=1 or CI=true (CI has the time); otherwise mocha lists them as pending, by name.

/** Whether the long tests run in this process. */
export const LONG_TESTS = process.env.EDGEMOE_LONG_TESTS === '1' || process.env.CI === 'true';

/** `it` for a long test: runs under EDGEMOE_LONG_TESTS=1 / CI=true, else pending (shown, never silently dropped). */
export const longIt: typeof it = LONG_TESTS ? it : (it.skip as typeof it);
