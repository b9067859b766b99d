#!/usr/bin/env node
/**
 * The lowrank-lab command: argv → command → exit code. User mistakes (UsageError) print one
 * line and exit 2; anything else is a bug and prints its stack with exit 1.
 */
import { UsageError } from "../compute/usageError.js";
import { commands, usage } from "./commands.js";

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    process.stdout.write(usage);
    return 0;
  }
  const command = commands[name];
  if (!command) throw new UsageError(`unknown command '${name}'; available: ${Object.keys(commands).join(", ")} (see lowrank-lab --help)`);
  return command(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    if (e instanceof UsageError) {
      process.stderr.write(`lowrank-lab: ${e.message}\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`lowrank-lab: internal error: ${e instanceof Error ? e.stack : String(e)}\n`);
      process.exitCode = 1;
    }
  },
);
