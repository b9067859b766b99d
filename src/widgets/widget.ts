/**
 * The kernel side of one ipywidgets model: its state, the comm that mirrors it in the
 * frontend, and the three messages a frontend sends (messages.md, protocol 2.1.0):
 * `update` (answered with `echo_update`, so every other open view follows), `request_state`
 * (answered with the full state) and `custom` (a button's click). Outside the lowrank-lab
 * kernel there is no comm: the widget keeps its state locally and displays as text.
 */
import { randomUUID } from "node:crypto";
import { jupyterDisplay, type MimeBundle } from "../plot/display.js";
import { kernelBridge, type CommHandle, type JSONObject, type JSONValue } from "./bridge.js";
import { PROTOCOL_VERSION, WIDGET_TARGET, WIDGET_VIEW_MIME, putBuffers, type WidgetState } from "./protocol.js";
import { liveWidgets, registerWidgetTargets } from "./registry.js";

/** One change of one state key, as `observe` callbacks receive it. */
export interface Change<T = JSONValue> {
  name: string;
  old: T;
  new: T;
  owner: Widget;
  /** 'frontend' when a user moved a control in the browser, 'kernel' when code set it. */
  source: "kernel" | "frontend";
}

type Observer = { names?: ReadonlySet<string>; fn: (change: Change) => void };

const sameJSON = (a: unknown, b: unknown): boolean => a === b || JSON.stringify(a) === JSON.stringify(b);

/**
 * Keys the kernel never echoes. An Output's `outputs` can be megabytes of figures, and only
 * a frontend capturing messages sends it; echoing it to every view would double the traffic.
 */
const noEcho = new Set(["outputs"]);

export class Widget {
  /** The comm id, which is also the model id views refer to. */
  readonly modelId: string;
  #state: WidgetState;
  #comm: CommHandle | undefined;
  #closed = false;
  readonly #observers: Observer[] = [];
  readonly #customHandlers: Array<(content: JSONValue, buffers: DataView[]) => void> = [];

  /** Opens the comm with the full state; models this one refers to must already be open. */
  constructor(state: WidgetState) {
    this.#state = { ...state };
    const bridge = kernelBridge();
    if (bridge) {
      registerWidgetTargets(bridge);
      this.#comm = bridge.openComm(WIDGET_TARGET, { state: this.#state, buffer_paths: [] }, { metadata: { version: PROTOCOL_VERSION } });
      this.#comm.onMsg((data, buffers) => this.#handleMsg(data, buffers));
      this.#comm.onClose(() => this.#forget());
    }
    this.modelId = this.#comm?.commId ?? randomUUID().replaceAll("-", "");
    liveWidgets.set(this.modelId, this);
  }

  /** Whether a frontend can show this widget (a kernel comm is open). */
  get live(): boolean {
    return this.#comm !== undefined && !this.#closed;
  }

  get(key: string): JSONValue {
    return this.#state[key];
  }

  /** The full state, as `request_state` and the control comm's `request_states` send it. */
  getState(): WidgetState {
    return { ...this.#state };
  }

  /** Sets keys from kernel code: validated, sent to the frontend as one `update`, then observed. */
  set(patch: WidgetState): void {
    const accepted: WidgetState = {};
    for (const [key, value] of Object.entries(patch)) accepted[key] = this.coerce(key, value);
    const changes = this.#apply(accepted);
    if (changes.length) this.#send({ method: "update", state: pick(accepted, changes.map(([k]) => k)), buffer_paths: [] });
    this.#notify(changes, "kernel");
  }

  /**
   * Calls `fn` after each change of the named keys (all keys when none are named), whether
   * kernel code or a frontend made it. Returns a function that stops observing.
   */
  observe(fn: (change: Change) => void, names?: string | string[]): () => void {
    const entry: Observer = { fn, names: names === undefined ? undefined : new Set([names].flat()) };
    this.#observers.push(entry);
    return () => {
      const i = this.#observers.indexOf(entry);
      if (i >= 0) this.#observers.splice(i, 1);
    };
  }

  /** Calls `fn` for each `custom` message from the frontend (a Button sends {event: "click"}). */
  onCustom(fn: (content: JSONValue, buffers: DataView[]) => void): void {
    this.#customHandlers.push(fn);
  }

  /** Closes the comm: every view of this widget disappears, and it stops answering. */
  close(): void {
    if (this.#closed) return;
    this.#comm?.close();
    this.#forget();
  }

  [jupyterDisplay](): MimeBundle {
    const text = this.toString();
    if (!this.live) return { "text/plain": text };
    return { [WIDGET_VIEW_MIME]: { model_id: this.modelId, version_major: 2, version_minor: 0 }, "text/plain": text };
  }

  /** `IntSlider(value=3, min=1, max=8)`, like ipywidgets' repr; subclasses name their keys. */
  toString(): string {
    const name = String(this.#state._model_name ?? "Widget").replace(/Model$/, "");
    const args = this.reprKeys().map((k) => `${k}=${JSON.stringify(this.#state[k])}`);
    return `${name}(${args.join(", ")})`;
  }

  protected reprKeys(): string[] {
    return [];
  }

  /**
   * Turns a proposed value into the one the model keeps (a slider clamps to [min, max]), or
   * throws a UsageError. Frontend values that throw are refused: the frontend gets the kept
   * value back. Immutable keys (`_model_name`, ...) refuse every change.
   */
  protected coerce(key: string, value: JSONValue): JSONValue {
    if (key.startsWith("_model_") || key.startsWith("_view_")) return this.#state[key];
    return value;
  }

  /** Stores the values that differ from the current ones; returns [key, old value] for each. */
  #apply(state: WidgetState): Array<[string, JSONValue]> {
    const changed: Array<[string, JSONValue]> = [];
    for (const [key, value] of Object.entries(state)) {
      if (sameJSON(this.#state[key], value)) continue;
      changed.push([key, this.#state[key]]);
      this.#state[key] = value;
    }
    return changed;
  }

  #notify(changed: Array<[string, JSONValue]>, source: Change["source"]): void {
    for (const [name, old] of changed) {
      const change: Change = { name, old, new: this.#state[name], owner: this, source };
      for (const o of [...this.#observers]) if (!o.names || o.names.has(name)) o.fn(change);
    }
  }

  #send(data: JSONObject): void {
    if (this.live) this.#comm!.send(data);
  }

  #handleMsg(data: JSONObject, buffers: DataView[]): void {
    switch (data.method) {
      case "update":
        return this.#update((data.state ?? {}) as JSONObject, data.buffer_paths, buffers);
      case "request_state":
        return this.#send({ method: "update", state: this.#state, buffer_paths: [] });
      case "custom":
        for (const fn of this.#customHandlers) fn(data.content ?? null, buffers);
        return;
      default:
        console.warn(`lowrank-lab widgets: ignored a message with unknown method '${String(data.method)}' for ${this}`);
    }
  }

  /**
   * A frontend's update. The echo goes out first and synchronously, so the kernel parents it
   * to this very comm_msg: the sending frontend recognises its own echo by that parent id and
   * skips it, and every other frontend applies it. A value the model corrected (clamped,
   * refused) then goes back as a plain `update`, which every frontend applies.
   */
  #update(state: JSONObject, bufferPaths: JSONValue | undefined, buffers: DataView[]): void {
    putBuffers(state, bufferPaths, buffers);
    const known = Object.keys(state).filter((k) => k in this.#state);
    const echo = pick(state as WidgetState, known.filter((k) => !noEcho.has(k)));
    if (Object.keys(echo).length) this.#send({ method: "echo_update", state: echo, buffer_paths: [] });
    const accepted: WidgetState = {};
    for (const key of known) {
      try {
        accepted[key] = this.coerce(key, state[key] as JSONValue);
      } catch {
        accepted[key] = this.#state[key];
      }
    }
    const changes = this.#apply(accepted);
    const corrected = known.filter((k) => !sameJSON(accepted[k], state[k]));
    if (corrected.length) this.#send({ method: "update", state: pick(accepted, corrected), buffer_paths: [] });
    this.#notify(changes, "frontend");
  }

  #forget(): void {
    this.#closed = true;
    liveWidgets.delete(this.modelId);
  }
}

function pick(state: WidgetState, keys: string[]): WidgetState {
  const out: WidgetState = {};
  for (const k of keys) out[k] = state[k];
  return out;
}
