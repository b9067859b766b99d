// npm links a package's `bin` for its dependents, never for the package itself, so in a clone
// `npx lowrank-lab` would look for the command on the registry. After each build, link the CLI
// into this checkout's node_modules/.bin, as `npm install lowrank-lab` would for a dependent.
import { chmodSync, existsSync, mkdirSync, rmSync, symlinkSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const cli = join(root, "dist", "src", "cli", "main.js");
const binDir = join(root, "node_modules", ".bin");
const link = join(binDir, "lowrank-lab");

if (existsSync(cli) && existsSync(join(root, "node_modules"))) {
  chmodSync(cli, 0o755);
  mkdirSync(binDir, { recursive: true });
  rmSync(link, { force: true });
  symlinkSync(relative(binDir, cli), link);
}
