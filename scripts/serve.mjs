// A tiny static file server for the built playground (web-demo/dist).
//
//   node scripts/serve.mjs [--port 8080] [--host 127.0.0.1] [DIR]
//
// Also imported by scripts/start.mjs and the end-to-end test (`startServer`, port 0 picks a
// free port). Serves .wasm as application/wasm so browsers can stream-compile it.

import { createReadStream, existsSync, statSync } from "node:fs";
import { createServer } from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const DEFAULT_ROOT = path.resolve(HERE, "..", "web-demo", "dist");

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".txt": "text/plain; charset=utf-8",
  ".kql": "text/plain; charset=utf-8",
  ".yml": "text/yaml; charset=utf-8",
  ".yaml": "text/yaml; charset=utf-8",
};

/** Maps a URL path to a file under root, or null when it escapes root or does not exist. */
function resolveFile(root, urlPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath.split("?")[0].split("#")[0]);
  } catch {
    return null;
  }
  const file = path.resolve(root, `.${path.posix.normalize(`/${decoded}`)}`);
  if (file !== root && !file.startsWith(root + path.sep)) return null;
  if (!existsSync(file)) return null;
  const stat = statSync(file);
  if (stat.isDirectory()) {
    const index = path.join(file, "index.html");
    return existsSync(index) ? index : null;
  }
  return stat.isFile() ? file : null;
}

/**
 * Starts serving `root`. Resolves to `{server, url, close()}` once listening.
 * `port: 0` asks the OS for a free port.
 */
export function startServer({ root = DEFAULT_ROOT, port = 8080, host = "127.0.0.1", log = false } = {}) {
  root = path.resolve(root);
  if (!existsSync(path.join(root, "index.html"))) {
    return Promise.reject(new Error(`${root}/index.html not found: build the playground first (npm start)`));
  }
  const server = createServer((req, res) => {
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { Allow: "GET, HEAD" }).end();
      return;
    }
    const file = resolveFile(root, req.url || "/");
    if (log) console.log(`${req.method} ${req.url} ${file ? 200 : 404}`);
    if (!file) {
      res.writeHead(404, { "Content-Type": "text/plain; charset=utf-8" }).end("not found\n");
      return;
    }
    const type = TYPES[path.extname(file).toLowerCase()] || "application/octet-stream";
    // Hashed assets never change; the page itself is always revalidated.
    const cache = file.includes(`${path.sep}assets${path.sep}`)
      ? "public, max-age=31536000, immutable"
      : "no-cache";
    res.writeHead(200, {
      "Content-Type": type,
      "Content-Length": statSync(file).size,
      "Cache-Control": cache,
      "X-Content-Type-Options": "nosniff",
    });
    if (req.method === "HEAD") {
      res.end();
      return;
    }
    createReadStream(file).pipe(res);
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      const address = server.address();
      const shown = host === "0.0.0.0" || host === "127.0.0.1" ? "localhost" : host;
      const url = `http://${shown}:${address.port}/`;
      resolve({ server, url, close: () => new Promise((done) => server.close(() => done())) });
    });
  });
}

function parseArgs(argv) {
  const options = { root: DEFAULT_ROOT, port: Number(process.env.PORT) || 8080, host: "127.0.0.1" };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--port" || arg === "-p") options.port = Number(argv[++i]);
    else if (arg === "--host") options.host = argv[++i];
    else if (arg === "--log") options.log = true;
    else if (arg === "--help" || arg === "-h") {
      console.log("usage: node scripts/serve.mjs [--port 8080] [--host 127.0.0.1] [--log] [DIR]");
      process.exit(0);
    } else options.root = path.resolve(arg);
  }
  return options;
}

/** Serves until interrupted; used by `npm start` and `npm run serve`. */
export async function serveForever(options) {
  let served;
  try {
    served = await startServer(options);
  } catch (error) {
    if (error.code === "EADDRINUSE") {
      console.error(
        `port ${options.port} is already in use: stop the other server, or pick another port with PORT=8081 npm start`,
      );
    } else {
      console.error(error.message);
    }
    process.exit(1);
  }
  console.log(`\nrulelab playground: ${served.url}  (Ctrl+C to stop)`);
  const stop = () => {
    served.close().then(() => process.exit(0));
    setTimeout(() => process.exit(0), 1000).unref();
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  return served;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await serveForever(parseArgs(process.argv.slice(2)));
}
