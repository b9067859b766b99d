/**
 * A mistake in what the user asked for (an unknown experiment, a parameter out of range, an
 * unwritable folder). The CLI prints its message as one line and exits with code 2; the kernel
 * shows it without a stack trace. Anything else that is thrown is a bug in lowrank-lab.
 */
export class UsageError extends Error {
  override name = "UsageError";
}
