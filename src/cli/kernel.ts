/**
 * `lowrank-lab kernel install`: registers the Jupyter kernel that lives in kernel-ext/.
 * Loaded lazily so the other commands never pay for the kernel's imports.
 */
import { parse } from "./args.js";
import { UsageError } from "../compute/usageError.js";

export async function installKernelCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== "install") throw new UsageError(`kernel ${sub ?? ""}: unknown subcommand; available: kernel install [--user | --sys-prefix | --prefix DIR]`);
  const { values } = parse("kernel install", rest, { user: { type: "boolean" }, "sys-prefix": { type: "boolean" }, prefix: { type: "string" } });
  const chosen = [values.user, values["sys-prefix"], values.prefix !== undefined].filter(Boolean).length;
  if (chosen > 1) throw new UsageError("kernel install: give at most one of --user, --sys-prefix, --prefix DIR");
  const modulePath = "../../kernel-ext/src/install.js";
  const { installKernel } = (await import(modulePath)) as { installKernel(o: { user?: boolean; sysPrefix?: boolean; prefix?: string }): Promise<string> | string };
  const where = await installKernel({ user: values.user, sysPrefix: values["sys-prefix"], prefix: values.prefix });
  process.stdout.write(`installed the Jupyter kernel 'lowrank-lab'${where ? ` in ${where}` : ""}\n`);
  return 0;
}
