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
  /** Counted up by a main-thread timer: when it stops, the main thread is blocked. */
  Tick,
  Count,
}

/**
 * Where the main thread is, for the socket thread to choose how to interrupt it. A SIGINT is
 * safe only while user code runs inside vm with `breakOnSigint`: vm swaps the process's SIGINT
 * handler on the way in and out, and a signal landing in between ends the process. So UserSync
 * is set and cleared from inside the vm (session/userCode.ts), and a signal is sent only after swapping
 * UserSync for Signalling; code leaving the vm and finding Signalling waits for the signal.
 */
export enum Phase {
  /** Between tasks, in an async continuation or timer, or in kernel code. */
  EventLoop = 0,
  /** Compiling a cell or serving a completion: wait, never interrupt this. */
  KernelWork = 1,
  /** Inside vm with breakOnSigint, running user code: a SIGINT throws inside it. */
  UserSync = 2,
  /** The socket thread has claimed UserSync and a SIGINT is on its way. */
  Signalling = 3,
}

export enum StdinState {
  Idle = 0,
  Waiting = 1,
  Replied = 2,
  Interrupted = 3,
}

/** Period of the main thread's Tick timer. */
export const tickMs = 25;

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
