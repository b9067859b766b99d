/** kernel_info_reply content (messaging spec, "Kernel info"); answered on shell and on control. */
import { packageVersion } from "../../../src/compute/packageInfo.js";
import { PROTOCOL_VERSION, type JsonObject } from "../wire/wire.js";
import { tslabTypeScript } from "./moduleAlias.js";

export const kernelName = "lowrank-lab";
export const displayName = "TypeScript (lowrank-lab)";

export function kernelInfo(): JsonObject {
  const ts = tslabTypeScript();
  return {
    status: "ok",
    protocol_version: PROTOCOL_VERSION,
    implementation: "lowrank-lab",
    implementation_version: packageVersion,
    language_info: {
      name: "typescript",
      // The TypeScript that compiles cells: tslab's own copy.
      version: ts.version,
      mimetype: "text/typescript",
      file_extension: ".ts",
      pygments_lexer: "typescript",
      // `typescript: true` turns on TypeScript highlighting in the classic notebook; JupyterLab reads `mode`.
      codemirror_mode: { name: "javascript", mode: "typescript", typescript: true },
    },
    banner: `lowrank-lab ${packageVersion}: TypeScript ${ts.version} on Node.js ${process.version}, with \`lab\` preloaded`,
    debugger: false,
  };
}
