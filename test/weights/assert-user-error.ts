// Test helper: asserts that fn throws a UserError whose message holds every fragment.
import assert from 'node:assert/strict';
import { isUserError } from '../../generator/errors.ts';

/** Asserts fn() throws a UserError containing all `fragments`; returns the message. */
export function assertUserError(fn: () => unknown, ...fragments: string[]): string {
  let msg = '';
  assert.throws(fn, (e: unknown) => {
    assert.ok(isUserError(e), `expected a UserError, got ${(e as Error)?.stack ?? String(e)}`);
    msg = (e as Error).message;
    for (const f of fragments) assert.ok(msg.includes(f), `message '${msg}' lacks '${f}'`);
    return true;
  });
  return msg;
}
