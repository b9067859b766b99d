import { describe, expect, it } from "vitest";
import { createHmac } from "node:crypto";
import { decode, DELIMITER, encode, Signer, WireError, type WireMessage } from "./wire.js";

const header = (msg_type: string) => ({ msg_id: "m1", session: "s1", username: "u", date: "2024-01-01T00:00:00Z", msg_type, version: "5.3" });
const message = (buffers: Buffer[] = []): WireMessage => ({
  identities: [Buffer.from("client-id")],
  header: header("comm_msg"),
  parent_header: {},
  metadata: {},
  content: { comm_id: "c", data: { x: 1 } },
  buffers,
});

describe("wire", () => {
  it("signs the four JSON frames with HMAC-SHA256 under the connection key", () => {
    const frames = encode(message(), new Signer("secret"));
    const d = frames.findIndex((f) => f.equals(DELIMITER));
    const want = createHmac("sha256", "secret").update(Buffer.concat(frames.slice(d + 2, d + 6))).digest("hex");
    expect(frames[d + 1].toString()).toBe(want);
  });

  it("decodes what it encodes, identities and binary buffers included", () => {
    const signer = new Signer("secret");
    const buffers = [Buffer.from([0, 255, 1]), Buffer.alloc(0)];
    const back = decode(encode(message(buffers), signer), signer);
    expect(back.identities.map(String)).toEqual(["client-id"]);
    expect(back.header.msg_type).toBe("comm_msg");
    expect(back.content).toEqual({ comm_id: "c", data: { x: 1 } });
    expect(back.buffers).toEqual(buffers);
  });

  it("rejects a message signed with another key", () => {
    const frames = encode(message(), new Signer("other"));
    expect(() => decode(frames, new Signer("secret"))).toThrow(WireError);
  });

  it("rejects a message whose content changed after signing", () => {
    const frames = encode(message(), new Signer("secret"));
    frames[frames.length - 1] = Buffer.from(JSON.stringify({ comm_id: "c", data: { x: 2 } }));
    expect(() => decode(frames, new Signer("secret"))).toThrow(/invalid signature/);
  });

  it("does not sign or check when the key is empty, as jupyter-client does", () => {
    const frames = encode(message(), new Signer(""));
    expect(frames[2].toString()).toBe("");
    expect(decode(frames, new Signer("")).header.msg_id).toBe("m1");
  });

  it("rejects frames without the <IDS|MSG> delimiter", () => {
    expect(() => decode([Buffer.from("x")], new Signer("k"))).toThrow(/delimiter/);
  });

  it("refuses a signature scheme that is not an HMAC", () => {
    expect(() => new Signer("k", "rsa")).toThrow(/hmac-sha256/);
  });
});
