/** Keeping stdout for the one JSON object a `--json` command prints. */

/** While --json output is being produced, anything a library logs goes to stderr, so stdout holds one JSON object. */
export async function withStdoutForJSON<T>(json: boolean, fn: () => Promise<T>): Promise<T> {
  if (!json) return fn();
  const { log, info } = console;
  console.log = console.info = (...args: unknown[]) => console.error(...args);
  try {
    return await fn();
  } finally {
    console.log = log;
    console.info = info;
  }
}

