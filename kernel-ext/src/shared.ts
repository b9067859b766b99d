/**
 * Memory shared by the kernel's two threads. The socket thread (sockets.ts) must act while the
 * main thread is stuck in user code, so the facts it needs cannot travel by postMessage, which
 * the main thread only reads between tasks: they live here, read and written with Atomics.
 */

export enum Slot {
  /** Sequence number of the last shell message the socket thread received. */
  LastShellSeq,
  /** What the main thread is doing now (a Phase); tells the socket thread how to interrupt it. */
  Phase,
  /** Bumped by the socket thread for each interrupt_request. */
  InterruptGen,
  /** The InterruptGen the main thread has acted on. */
  InterruptAck,
  /** Stdin hand-off: a StdinState. */
  StdinState,
  /** Byte length of the input_reply value in `text`. */
  StdinLength,
  Count,
}

export enum Phase {
  /** Between tasks, or in an async continuation or timer: a SIGINT reaches the listener. */
  EventLoop = 0,
  /** Compiling a cell or serving a completion; a signal now would be missed by the vm watchdog, so wait. */
  KernelWork = 1,
  /** In user code run by vm with breakOnSigint: a SIGINT throws inside it. */
  UserSync = 2,
}

export enum StdinState {
  Idle = 0,
  Waiting = 1,
  Replied = 2,
  Interrupted = 3,
}

/** Longest input_reply value kept (UTF-8 bytes); longer answers are cut. */
const stdinBytes = 1 << 20;

export interface SharedState {
  slots: Int32Array;
  text: Uint8Array;
}

export function createSharedState(): SharedState {
  return {
    slots: new Int32Array(new SharedArrayBuffer(Slot.Count * 4)),
    text: new Uint8Array(new SharedArrayBuffer(stdinBytes)),
  };
}

/** Runs `fn` with the Phase set to `phase`, restoring the previous one after. */
export function inPhase<T>(s: SharedState, phase: Phase, fn: () => T): T {
  const before = Atomics.exchange(s.slots, Slot.Phase, phase);
  try {
    return fn();
  } finally {
    Atomics.store(s.slots, Slot.Phase, before);
  }
}
