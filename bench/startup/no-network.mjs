// Preloaded (node --import) into the server for the one untimed network check in run.mjs:
// appends a line to $BENCH_NET_LOG for every outbound connection or DNS lookup the process
// attempts. Pipes to the parent (stdio) are sockets too, but they are never `connect`ed.
import dns from "node:dns";
import net from "node:net";
import { appendFileSync } from "node:fs";

const logFile = process.env.BENCH_NET_LOG;
const record = (what) => {
  if (logFile) appendFileSync(logFile, `${what}\n`);
};

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  const [first, second] = args;
  const target = Array.isArray(first) ? first[0] : first;
  const where = typeof target === "object" && target !== null ? `${target.host ?? target.path ?? "?"}:${target.port ?? ""}` : `${second ?? "localhost"}:${target}`;
  record(`connect ${where}`);
  return connect.apply(this, args);
};

const lookup = dns.lookup;
dns.lookup = function (hostname, ...rest) {
  record(`dns.lookup ${hostname}`);
  return lookup.call(this, hostname, ...rest);
};
const promisesLookup = dns.promises.lookup;
dns.promises.lookup = function (hostname, ...rest) {
  record(`dns.promises.lookup ${hostname}`);
  return promisesLookup.call(this, hostname, ...rest);
};
