// One GraphQL subscription client from npm, driven by tests/live/test_node_clients.py.
//
//   node client.mjs graphql-ws|subscriptions-transport-ws ws://HOST:PORT/graphql
//
// Commands arrive on stdin, one JSON object a line:
//   {"op": "subscribe", "id": "a", "query": "subscription ...", "variables": {...}}
//   {"op": "unsubscribe", "id": "a"}
//   {"op": "close"}
// Everything the library reports goes to stdout, one JSON object a line:
//   {"event": "connected"}                      the server acknowledged the connection
//   {"event": "next", "id": "a", "payload": {}}  a result, exactly as the library delivered it
//   {"event": "error", "id": "a", "error": ...}  the library's error callback
//   {"event": "complete", "id": "a"}            the library's complete callback
//   {"event": "unsubscribed", "id": "a"}        the library's unsubscribe function returned
//   {"event": "closed", "code": 1000, "clean": true}  the socket closed; the process exits
// The script adds no logic of its own: what the test sees is what a frontend would see.

import { createInterface } from "node:readline";

import { createClient } from "graphql-ws";
import transportWs from "subscriptions-transport-ws";
import WebSocket from "ws";

const [library, url] = process.argv.slice(2);
// The test fixtures put an API key in the URL's `key` parameter; it goes where browsers
// must put it, in the connection_init payload.
const key = new URL(url).searchParams.get("key");
const connectionParams = key ? { Authorization: `Bearer ${key}` } : {};

function emit(event) {
  process.stdout.write(`${JSON.stringify(event)}\n`);
}

// graphql-ws reports a GraphQL error list, an Error or a CloseEvent; keep what matters.
function describe(error) {
  if (Array.isArray(error)) return { errors: error };
  if (error && typeof error.code === "number") return { code: error.code, reason: error.reason };
  return { message: String(error?.message ?? error) };
}

function graphqlWs() {
  const client = createClient({
    url,
    connectionParams,
    webSocketImpl: WebSocket,
    lazy: false,
    retryAttempts: 0,
    on: {
      connected: () => emit({ event: "connected" }),
      closed: (event) => {
        emit({ event: "closed", code: event.code, clean: event.wasClean });
        process.exit(0);
      },
    },
  });
  return {
    subscribe(id, query, variables) {
      return client.subscribe(
        { query, variables },
        {
          next: (payload) => emit({ event: "next", id, payload }),
          error: (error) => emit({ event: "error", id, error: describe(error) }),
          complete: () => emit({ event: "complete", id }),
        },
      );
    },
    close: () => client.dispose(),
  };
}

function subscriptionsTransportWs() {
  const client = new transportWs.SubscriptionClient(
    url,
    {
      reconnect: false,
      lazy: false,
      connectionParams,
      connectionCallback: (error) =>
        emit(error ? { event: "error", error: describe(error) } : { event: "connected" }),
    },
    WebSocket,
  );
  // The library forgets its socket on close(); listen to the socket itself for the code.
  client.client.addEventListener("close", (event) => {
    emit({ event: "closed", code: event.code, clean: event.wasClean });
    process.exit(0);
  });
  return {
    subscribe(id, query, variables) {
      const subscription = client.request({ query, variables }).subscribe({
        next: (payload) => emit({ event: "next", id, payload }),
        error: (error) => emit({ event: "error", id, error: describe(error) }),
        complete: () => emit({ event: "complete", id }),
      });
      return () => subscription.unsubscribe();
    },
    close: () => client.close(),
  };
}

const clients = { "graphql-ws": graphqlWs, "subscriptions-transport-ws": subscriptionsTransportWs };
if (!(library in clients)) {
  process.stderr.write(`unknown library ${library}; one of ${Object.keys(clients)}\n`);
  process.exit(2);
}
const client = clients[library]();
const unsubscribers = new Map();

const commands = {
  subscribe({ id, query, variables }) {
    unsubscribers.set(id, client.subscribe(id, query, variables ?? {}));
  },
  unsubscribe({ id }) {
    unsubscribers.get(id)();
    unsubscribers.delete(id);
    emit({ event: "unsubscribed", id });
  },
  close() {
    client.close();
  },
};

const input = createInterface({ input: process.stdin });
input.on("line", (line) => {
  const command = JSON.parse(line);
  commands[command.op](command);
});
// The test went away: do not outlive it.
input.on("close", () => process.exit(0));
