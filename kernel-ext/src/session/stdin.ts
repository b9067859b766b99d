/**
 * Reading from the user (messaging spec, "Messages on the stdin ROUTER/DEALER channel"):
 * input_request goes to the frontend that sent the running execute_request, and the cell
 * blocks until its input_reply arrives, as `prompt()` blocks in a browser. The socket thread
 * receives the reply and hands the text over in shared memory, waking this thread with
 * Atomics.notify; an interrupt wakes it too.
 */
import { Slot, StdinState, type SharedState } from "../wire/shared.js";
import { Interrupted } from "./errors.js";
import type { Request } from "../wire/threads.js";
import type { Transport } from "../wire/transport.js";

export class StdinNotAvailable extends Error {
  override name = "StdinNotAvailable";
}

const decoder = new TextDecoder();

export function readInput(shared: SharedState, transport: Transport, request: Request | undefined, prompt: string, password: boolean): string {
  if (!request || request.header.msg_type !== "execute_request") {
    throw new StdinNotAvailable("prompt() needs a running cell: it reads from the frontend that ran it");
  }
  if (request.content.allow_stdin === false) {
    throw new StdinNotAvailable("prompt(): this frontend does not accept input requests (allow_stdin is false)");
  }
  const s = shared.slots;
  Atomics.store(s, Slot.StdinState, StdinState.Waiting);
  transport.send("stdin", "input_request", { prompt, password }, { parent: request.header, identities: request.identities });
  // Short waits keep the thread responsive to the vm watchdog between them.
  while (Atomics.load(s, Slot.StdinState) === StdinState.Waiting) Atomics.wait(s, Slot.StdinState, StdinState.Waiting, 100);
  const state = Atomics.exchange(s, Slot.StdinState, StdinState.Idle);
  if (state === StdinState.Interrupted) throw new Interrupted();
  return decoder.decode(shared.text.slice(0, Atomics.load(s, Slot.StdinLength)));
}
