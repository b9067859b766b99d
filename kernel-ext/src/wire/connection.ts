/** The connection file Jupyter writes for each kernel it starts (jupyter-client docs, "Connection files"). */
import { readFileSync } from "node:fs";

export interface ConnectionInfo {
  transport: string;
  ip: string;
  shell_port: number;
  iopub_port: number;
  stdin_port: number;
  control_port: number;
  hb_port: number;
  key: string;
  signature_scheme: string;
}

const ports = ["shell_port", "iopub_port", "stdin_port", "control_port", "hb_port"] as const;

export function readConnectionFile(path: string): ConnectionInfo {
  const raw = JSON.parse(readFileSync(path, "utf8")) as Partial<ConnectionInfo>;
  for (const p of ports) {
    if (typeof raw[p] !== "number") throw new Error(`connection file ${path}: ${p} is ${JSON.stringify(raw[p])}; want a port number`);
  }
  return {
    transport: raw.transport ?? "tcp",
    ip: raw.ip ?? "127.0.0.1",
    key: raw.key ?? "",
    signature_scheme: raw.signature_scheme ?? "hmac-sha256",
    ...(Object.fromEntries(ports.map((p) => [p, raw[p]])) as Pick<ConnectionInfo, (typeof ports)[number]>),
  };
}

/** The ZeroMQ address of one channel: tcp://ip:port, or ipc://ip-port as jupyter-client names ipc endpoints. */
export function endpoint(c: ConnectionInfo, port: number): string {
  return c.transport === "ipc" ? `ipc://${c.ip}-${port}` : `${c.transport}://${c.ip}:${port}`;
}
