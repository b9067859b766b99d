/**
 * Serves the bundled test page from its own loopback port, as a web app that embeds Jupyter
 * widgets would be (the Jupyter server allows this origin). Not from the Jupyter server's
 * /files/: Notebook 6 serves those sandboxed, with an opaque origin that CORS refuses.
 */
import { createServer, type Server } from "node:http";
import type { PageBundle } from "./bundle.js";

export interface PageServer {
  url: string;
  origin: string;
  close(): Promise<void>;
}

const html = `<!DOCTYPE html><html><head><meta charset="utf-8"><link rel="stylesheet" href="main.css"><script src="main.js"></script></head>
<body style="font-family:sans-serif;background:white;margin:16px"><div id="out" style="width:760px"></div></body></html>`;

/** Listens at once; requests for the bundle wait until it is built. */
export async function servePage(bundling: Promise<PageBundle>): Promise<PageServer> {
  const server: Server = createServer(async (req, res) => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    const bundle = await bundling;
    const [type, body] = path.endsWith("/main.js") ? ["text/javascript", bundle.js] : path.endsWith("/main.css") ? ["text/css", bundle.css] : ["text/html", html];
    res.writeHead(200, { "Content-Type": `${type}; charset=utf-8` });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  const origin = `http://127.0.0.1:${port}`;
  return { url: `${origin}/index.html`, origin, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
