/**
 * The few assertions the tests need (jsr:@std/assert is unreachable here).
 */
import { inspect, isDeepStrictEqual } from "node:util";

export class AssertionError extends Error {
  override name = "AssertionError";
}

export function assert(cond: unknown, msg = "expected a truthy value"): asserts cond {
  if (!cond) throw new AssertionError(msg);
}

export function assertEquals<T>(actual: T, expected: T, msg?: string): void {
  if (!isDeepStrictEqual(actual, expected)) {
    throw new AssertionError(
      `${msg ? msg + ": " : ""}values differ\nactual:   ${
        inspect(actual, { depth: 8 })
      }\nexpected: ${inspect(expected, { depth: 8 })}`,
    );
  }
}

export function assertMatch(actual: string, re: RegExp, msg?: string): void {
  if (!re.test(actual)) {
    throw new AssertionError(`${msg ? msg + ": " : ""}${inspect(actual)} does not match ${re}`);
  }
}

export function assertStringIncludes(actual: string, expected: string, msg?: string): void {
  if (!actual.includes(expected)) {
    throw new AssertionError(
      `${msg ? msg + ": " : ""}expected to find ${inspect(expected)} in:\n${actual}`,
    );
  }
}

// deno-lint-ignore no-explicit-any
type Ctor<E> = new (...args: any[]) => E;

function checkError<E extends Error>(err: unknown, type?: Ctor<E>, includes?: string): E {
  if (type && !(err instanceof type)) {
    throw new AssertionError(`expected ${type.name}, got ${inspect(err)}`);
  }
  if (includes && !(err as Error).message.includes(includes)) {
    throw new AssertionError(
      `expected the message to include ${inspect(includes)}, got ${
        inspect((err as Error).message)
      }`,
    );
  }
  return err as E;
}

export function assertThrows<E extends Error = Error>(
  fn: () => unknown,
  type?: Ctor<E>,
  includes?: string,
): E {
  try {
    fn();
  } catch (err) {
    return checkError(err, type, includes);
  }
  throw new AssertionError("expected the function to throw");
}

export async function assertRejects<E extends Error = Error>(
  fn: () => Promise<unknown>,
  type?: Ctor<E>,
  includes?: string,
): Promise<E> {
  try {
    await fn();
  } catch (err) {
    return checkError(err, type, includes);
  }
  throw new AssertionError("expected the promise to reject");
}
