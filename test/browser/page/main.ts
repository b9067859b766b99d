/**
 * The browser side of the widget round trip: a page that starts (or joins) a lowrank-lab
 * kernel through a Jupyter server with @jupyterlab/services, runs cells, and renders every
 * widget it is sent with the official @jupyter-widgets/html-manager, whose comms it wires to
 * the kernel connection (the HTML manager alone renders static state only).
 * Bundled by esbuild for the test; `window.lowrank` is what the test drives.
 */
import * as base from "@jupyter-widgets/base";
// The manager module alone: the package index also pulls in the webpack-only embed helpers.
import { HTMLManager } from "@jupyter-widgets/html-manager/lib/htmlmanager.js";
import { KernelManager, ServerConnection, type Kernel, type KernelMessage } from "@jupyterlab/services";

const WIDGET_MIME = "application/vnd.jupyter.widget-view+json";

/** HTMLManager with real comms: kernel-opened widgets arrive on `jupyter.widget`, ours go out through the kernel. */
class KernelWidgetManager extends HTMLManager {
  constructor(readonly kernel: Kernel.IKernelConnection) {
    super();
    kernel.registerCommTarget("jupyter.widget", async (comm, msg) => {
      await this.handle_comm_open(new base.shims.services.Comm(comm), msg);
    });
  }

  override async _create_comm(target: string, modelId?: string, data?: unknown, metadata?: unknown, buffers?: ArrayBuffer[] | ArrayBufferView[]) {
    const comm = this.kernel.createComm(target, modelId);
    if (data || metadata) comm.open(data as never, metadata as never, buffers);
    return new base.shims.services.Comm(comm);
  }

  override async _get_comm_info() {
    const reply = await this.kernel.requestCommInfo({ target_name: "jupyter.widget" });
    return (reply.content as { comms: Record<string, unknown> }).comms;
  }

  /** A page reload: fetch every live widget's state through the control comm. */
  restore(): Promise<void> {
    return (this as unknown as { _loadFromKernel(): Promise<void> })._loadFromKernel();
  }

  async show(modelId: string, el: HTMLElement): Promise<void> {
    const model = await this.get_model(modelId);
    const view = await this.create_view(model);
    await this.display_view(view, el);
  }
}

interface CellResult {
  /** Model ids of the widget views the cell displayed. */
  widgets: string[];
  texts: string[];
  errors: string[];
}

let kernel: Kernel.IKernelConnection | undefined;
let manager: KernelWidgetManager | undefined;
const log: string[] = [];

async function connect(baseUrl: string, token: string, kernelId?: string): Promise<string> {
  const serverSettings = ServerConnection.makeSettings({ baseUrl, wsUrl: baseUrl.replace(/^http/, "ws"), token, appendToken: true });
  const kernels = new KernelManager({ serverSettings });
  await kernels.ready;
  kernel = kernelId ? kernels.connectTo({ model: { id: kernelId, name: "lowrank-lab" } }) : await kernels.startNew({ name: "lowrank-lab" });
  kernel.iopubMessage.connect((_, msg) => {
    if (msg.header.msg_type === "comm_msg") log.push(`comm_msg ${JSON.stringify((msg.content as { data: unknown }).data).slice(0, 300)} parent=${(msg.parent_header as { msg_id?: string }).msg_id ?? ""}`);
  });
  manager = new KernelWidgetManager(kernel);
  return kernel.id;
}

/** Runs a cell; widget views it displays are rendered into `#out` (a fresh div per cell). */
async function run(code: string, target = "out"): Promise<CellResult> {
  if (!kernel || !manager) throw new Error("connect first");
  const host = document.getElementById(target)!;
  const result: CellResult = { widgets: [], texts: [], errors: [] };
  const shown: Promise<void>[] = [];
  const future = kernel.requestExecute({ code, store_history: false });
  future.onIOPub = (msg: KernelMessage.IIOPubMessage) => {
    const type = msg.header.msg_type;
    const content = msg.content as { data?: Record<string, unknown>; text?: string; ename?: string; evalue?: string };
    if (type === "display_data" || type === "execute_result") {
      const view = content.data?.[WIDGET_MIME] as { model_id: string } | undefined;
      if (view) {
        result.widgets.push(view.model_id);
        const el = document.createElement("div");
        el.className = "cell-output";
        el.style.padding = "12px 8px";
        host.append(el);
        shown.push(manager!.show(view.model_id, el));
      } else if (content.data?.["text/plain"]) result.texts.push(String(content.data["text/plain"]));
    } else if (type === "stream") result.texts.push(String(content.text));
    else if (type === "error") result.errors.push(`${content.ename}: ${content.evalue}`);
  };
  await future.done;
  await Promise.all(shown);
  return result;
}

async function restoreAndShow(modelId: string, target = "out"): Promise<void> {
  if (!manager) throw new Error("connect first");
  await manager.restore();
  const el = document.createElement("div");
  document.getElementById(target)!.append(el);
  await manager.show(modelId, el);
}

async function shutdown(): Promise<void> {
  await kernel?.shutdown();
}

(window as unknown as { lowrank: unknown }).lowrank = { connect, run, restoreAndShow, shutdown, log };
