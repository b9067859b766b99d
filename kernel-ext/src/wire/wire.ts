/**
 * The Jupyter wire protocol (jupyter-client docs, "The Wire Protocol"): a message on a ZeroMQ
 * socket is [identities..., "<IDS|MSG>", signature, header, parent_header, metadata, content,
 * buffers...]. The signature is an HMAC of the four JSON frames under the connection file's key;
 * binary buffers travel after them unsigned and untouched.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

export const DELIMITER = Buffer.from("<IDS|MSG>");
/** Protocol 5.3 (jupyter-client 6+): adds control-channel interrupt_request and input_request.password. */
export const PROTOCOL_VERSION = "5.3";

export interface Header {
  msg_id: string;
  session: string;
  username: string;
  date: string;
  msg_type: string;
  version: string;
}

export type JsonObject = Record<string, unknown>;

export interface WireMessage {
  identities: Buffer[];
  header: Header;
  /** Empty object when the message has no parent (status "starting", comms opened by the kernel). */
  parent_header: Header | Record<string, never>;
  metadata: JsonObject;
  content: JsonObject;
  buffers: Buffer[];
}

/** Signs and checks messages with the connection file's key and scheme ("hmac-sha256"). */
export class Signer {
  private readonly algorithm: string;

  constructor(
    private readonly key: string,
    scheme = "hmac-sha256",
  ) {
    const match = /^hmac-(.+)$/.exec(scheme);
    if (!match) throw new Error(`signature_scheme: ${JSON.stringify(scheme)} is not supported; use hmac-sha256`);
    this.algorithm = match[1];
  }

  /** Hex digest of the four JSON frames; the empty string when the key is empty (signing off). */
  sign(frames: readonly (Buffer | string)[]): string {
    if (this.key === "") return "";
    const hmac = createHmac(this.algorithm, this.key);
    for (const f of frames) hmac.update(f);
    return hmac.digest("hex");
  }

  verify(signature: string, frames: readonly Buffer[]): boolean {
    if (this.key === "") return true;
    const want = Buffer.from(this.sign(frames));
    const got = Buffer.from(signature);
    // Constant-time compare, so the signature cannot be guessed byte by byte from reply timings.
    return got.length === want.length && timingSafeEqual(got, want);
  }
}

export class WireError extends Error {}

/** Parses raw frames; throws WireError when the delimiter is missing or the signature is wrong. */
export function decode(frames: readonly Buffer[], signer: Signer): WireMessage {
  const d = frames.findIndex((f) => f.equals(DELIMITER));
  if (d < 0) throw new WireError("message has no <IDS|MSG> delimiter");
  if (frames.length < d + 6) throw new WireError(`message has ${frames.length - d - 1} frames after the delimiter; want at least 5`);
  const signature = frames[d + 1].toString("ascii");
  const parts = frames.slice(d + 2, d + 6);
  if (!signer.verify(signature, parts)) throw new WireError("invalid signature");
  const [header, parent_header, metadata, content] = parts.map((p) => JSON.parse(p.toString("utf8")));
  return { identities: frames.slice(0, d), header, parent_header, metadata, content, buffers: frames.slice(d + 6) };
}

/** The frames of a message, signed. */
export function encode(msg: WireMessage, signer: Signer): Buffer[] {
  const parts = [msg.header, msg.parent_header, msg.metadata, msg.content].map((x) => Buffer.from(JSON.stringify(x), "utf8"));
  return [...msg.identities, DELIMITER, Buffer.from(signer.sign(parts), "ascii"), ...parts, ...msg.buffers];
}
