// Ranked's live dashboard: a client of the public GraphQL API and nothing else (queries over
// HTTP POST, subscriptions over graphql-transport-ws), so it is also the reference client.
// No framework and no build step: the browser runs this file as it is.

const ENDPOINT = "/graphql";
const KEY_STORE = "ranked-key"; // (the GraphiQL page signs in through the same entry)
const MOVE_SHOWN_MS = 8000; // how long a row shows how far it moved
const ANNOUNCE_EVERY_MS = 2000; // at most one aria-live announcement per this
const TREND_POINTS = 100; // the sparkline's latest scores
const RETRY_MS = [250, 500, 1000, 2000, 4000, 5000]; // reconnection backoff (then 5 s)

// ---------------------------------------------------------------------------------------
// The GraphQL client: HTTP for queries, one websocket for every subscription.

class GraphQLError extends Error {
  constructor(errors) {
    super(errors.map((e) => e.message).join("; "));
    this.code = errors[0]?.extensions?.code || "ERROR";
  }
}

async function query(key, document, variables = {}) {
  const response = await fetch(ENDPOINT, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${key}` },
    body: JSON.stringify({ query: document, variables }),
  });
  const body = await response.json().catch(() => ({ errors: [{ message: response.statusText }] }));
  if (body.errors?.length) throw new GraphQLError(body.errors);
  return body.data;
}

// One graphql-transport-ws connection. It reconnects by itself (with backoff) whenever the
// socket closes, unless the server refused the key, and subscribes every live subscription
// again: the server sends each one's current state first, so nothing is stale afterwards.
class LiveSocket {
  constructor(key, onState) {
    this.key = key;
    this.onState = onState;
    this.subscriptions = new Map(); // id -> {document, variables, next, error}
    this.nextId = 1;
    this.attempt = 0;
    this.socket = null;
    this.acked = false;
    this.stopped = false;
    this.connect();
  }

  url() {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    return `${scheme}//${location.host}${ENDPOINT}`;
  }

  connect() {
    this.onState(this.attempt === 0 ? "connecting" : "reconnecting");
    const socket = new WebSocket(this.url(), "graphql-transport-ws");
    this.socket = socket;
    this.acked = false;
    socket.onopen = () => this.send({ type: "connection_init", payload: { Authorization: `Bearer ${this.key}` } });
    socket.onmessage = (event) => this.receive(JSON.parse(event.data));
    socket.onclose = (event) => this.closed(socket, event);
  }

  send(message) {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }

  receive(message) {
    const sub = this.subscriptions.get(message.id);
    switch (message.type) {
      case "connection_ack":
        this.acked = true;
        this.attempt = 0;
        this.onState("live");
        for (const [id, s] of this.subscriptions) this.start(id, s);
        break;
      case "ping":
        this.send({ type: "pong" });
        break;
      case "next":
        if (sub && message.payload.errors?.length) sub.error(new GraphQLError(message.payload.errors));
        else if (sub) sub.next(message.payload.data);
        break;
      case "error":
        if (sub) sub.error(new GraphQLError(message.payload));
        this.subscriptions.delete(message.id);
        break;
      default:
        break;
    }
  }

  closed(socket, event) {
    if (socket !== this.socket || this.stopped) return;
    if (event.code === 4403 || event.code === 4401) {
      this.onState("refused", event.reason);
      return;
    }
    const wait = RETRY_MS[Math.min(this.attempt, RETRY_MS.length - 1)];
    this.attempt += 1;
    this.onState("offline");
    setTimeout(() => this.connect(), wait * (0.75 + Math.random() / 2));
  }

  start(id, s) {
    this.send({ id, type: "subscribe", payload: { query: s.document, variables: s.variables } });
  }

  // Follow `document`; returns the function that stops it.
  subscribe(document, variables, next, error) {
    const id = String(this.nextId++);
    const s = { document, variables, next, error };
    this.subscriptions.set(id, s);
    if (this.acked) this.start(id, s);
    return () => {
      if (this.subscriptions.delete(id) && this.acked) this.send({ id, type: "complete" });
    };
  }
}

// ---------------------------------------------------------------------------------------
// The operations the dashboard runs (each is also an example of the API).

const VIEWER = `query Viewer { viewer { tenant keyName scopes } }`;
const BOARDS = `query Boards { leaderboards { key name timeWindow period periodEnd } }`;
const BOARD = `query Board($key: String!, $period: String, $first: Int!) {
  leaderboard(key: $key, period: $period) {
    key name period timeWindow size periodStart periodEnd
    metrics { metric aggregation weight }
    entries(first: $first) { edges { node { rank score participant { id name } } } }
  }
  winners(leaderboard: $key, first: 5) { edges { node { ...WinnerFields } } }
  leaderboardRuns(leaderboard: $key, first: 20) { edges { node { ...RunFields } } }
}
fragment WinnerFields on Winner { id period points declaredAt participant { id name } }
fragment RunFields on LeaderboardRun { id period status rowCount finishedAt createdAt }`;
const TOP = `subscription LiveTop($key: String!, $first: Int!) {
  leaderboardTop(leaderboard: $key, first: $first) { rank score participant { id name } }
}`;
const WINNERS = `subscription Winners($key: String!) {
  winnerDeclared(leaderboard: $key) { id period points declaredAt participant { id name } }
}`;
const RUNS = `subscription Runs($key: String!) {
  runCompleted(leaderboard: $key) { id period status rowCount finishedAt createdAt }
}`;
const AROUND = `query Around($key: String!, $period: String, $id: ID!) {
  leaderboard(key: $key, period: $period) {
    around(participantId: $id, radius: 3) { rank score participant { id name } }
  }
}`;
const CHANGES = `subscription Changes($key: String!, $ids: [ID!]) {
  rankChanged(leaderboard: $key, participantIds: $ids) { participantId oldRank newRank newScore }
}`;
const SEARCH = `query Search($text: String!) { searchParticipants(query: $text, first: 8) { id name } }`;
const HISTORY = `query History($id: ID!, $metric: String, $from: DateTime, $to: DateTime, $first: Int!) {
  participant(id: $id) { scoreHistory(metric: $metric, from: $from, to: $to, first: $first) { value occurredAt } }
}`;

// ---------------------------------------------------------------------------------------
// State, taken from and kept in the address: /dashboard/{board}?period=&first=&participant=

const $ = (id) => document.getElementById(id);
const state = {
  key: null,
  scopes: [],
  boards: [],
  board: null, // the Leaderboard last loaded
  live: null, // LiveSocket
  stops: [], // stoppers of the board's subscriptions
  aroundStop: null,
  ranks: new Map(), // participant id -> rank shown
  moves: new Map(), // participant id -> {places, at}
  trend: [], // the selected participant's scores, oldest first
  announced: 0,
  connection: "connecting",
  loads: 0, // loadBoard calls so far (the newest wins)
  aroundLoads: 0,
  loaded: false, // the board named by the address is shown and followed
  inflight: 0, // the load waiting for its answer, if any
  pending: [],
};

function address() {
  const path = location.pathname.replace(/^\/dashboard\/?/, "");
  const params = new URLSearchParams(location.search);
  return {
    board: path ? decodeURIComponent(path) : null,
    period: params.get("period") || null,
    first: Number(params.get("first")) || 10,
    participant: params.get("participant") || null,
  };
}

function go(changes, replace = false) {
  const next = { ...address(), ...changes };
  const params = new URLSearchParams();
  if (next.period) params.set("period", next.period);
  if (next.first !== 10) params.set("first", String(next.first));
  if (next.participant) params.set("participant", next.participant);
  const search = params.toString();
  const url = `/dashboard/${encodeURIComponent(next.board)}${search ? `?${search}` : ""}`;
  history[replace ? "replaceState" : "pushState"](null, "", url);
}

function takeKey() {
  const fromLink = new URLSearchParams(location.hash.slice(1)).get("key");
  if (fromLink) {
    sessionStorage.setItem(KEY_STORE, fromLink);
    history.replaceState(null, "", location.pathname + location.search); // out of sight
  }
  return sessionStorage.getItem(KEY_STORE);
}

// ---------------------------------------------------------------------------------------
// Rendering

const number = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });
const when = new Intl.DateTimeFormat(undefined, { dateStyle: "short", timeStyle: "short" });

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (name === "class") node.className = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value);
  }
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

function showBanner(text) {
  $("banner").textContent = text;
  $("banner").hidden = !text;
}

function setConnection(kind, reason = "") {
  state.connection = kind;
  showConnection(reason);
  if (kind === "refused") signIn(`The server refused the key (${reason}).`);
}

// The socket's state, or "static" while a past period (which never changes) is shown.
function showConnection(reason = "") {
  const kind = state.connection;
  const labels = {
    connecting: "Connecting…",
    reconnecting: "Reconnecting…",
    live: "Live",
    offline: "Offline, reconnecting…",
    refused: `Refused: ${reason}`,
    static: "Past period (not live)",
  };
  const shown = kind === "live" && address().period ? "static" : kind;
  $("connection").dataset.state = shown;
  $("connection-text").textContent = labels[shown];
}

function movementOf(id, now) {
  const move = state.moves.get(id);
  if (!move || now - move.at > MOVE_SHOWN_MS) return { text: "", cls: "", label: "" };
  if (move.places === null) return { text: "new", cls: "new", label: "new in the top" };
  if (move.places > 0) return { text: `▲ ${move.places}`, cls: "up", label: `up ${move.places}` };
  return { text: `▼ ${-move.places}`, cls: "down", label: `down ${-move.places}` };
}

// A row element for participant `id` (its contents are set by fillRow).
function newRow(id, compact) {
  const props = { class: "row", "data-id": id, onclick: () => select(id), onkeydown: (event) => rowKey(event, id) };
  if (!compact) props["aria-describedby"] = "top-help";
  return el(
    "li",
    props,
    el("span", { class: "rank" }),
    el("span", { class: "name" }),
    el("span", { class: "score" }),
    compact ? null : el("span", { class: "move", "aria-hidden": "true" }),
  );
}

// Set what changed of a row: an unchanged row is left alone, so that assistive technology
// has nothing to read again (rank changes are announced through the live region).
function fillRow(li, entry, now, compact) {
  const id = entry.participant.id;
  const move = compact ? movementOf(null, now) : movementOf(id, now);
  const selected = id === address().participant;
  const score = number.format(entry.score);
  const label = `Rank ${entry.rank}, ${entry.participant.name}, ${score}${move.label ? `, ${move.label}` : ""}`;
  const set = (node, text) => {
    if (node.textContent !== text) node.textContent = text;
  };
  set(li.querySelector(".rank"), String(entry.rank));
  set(li.querySelector(".name"), entry.participant.name);
  set(li.querySelector(".score"), score);
  const cell = li.querySelector(".move");
  if (cell) {
    set(cell, move.text);
    cell.className = `move ${move.cls}`;
  }
  li.classList.toggle("selected", selected);
  li.classList.toggle("hot", Boolean(move.cls));
  if (li.getAttribute("aria-label") !== label) li.setAttribute("aria-label", label);
  li.setAttribute("aria-current", selected ? "true" : "false");
  li.dataset.rank = String(entry.rank);
}

function rowKey(event, id) {
  const item = event.currentTarget;
  if (event.key === "Enter" || event.key === " ") {
    event.preventDefault();
    select(id);
  } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
    event.preventDefault();
    const next = event.key === "ArrowDown" ? item.nextElementSibling : item.previousElementSibling;
    if (!next) return;
    item.tabIndex = -1;
    next.tabIndex = 0;
    next.focus();
  }
}

// Show `entries` in `list`, keeping each participant's row element: rows are moved only
// when their place changed, and slide from where they were to their new place (FLIP).
function renderRows(list, entries, compact = false) {
  const kept = new Map([...list.querySelectorAll(":scope > .row")].map((li) => [li.dataset.id, li]));
  const before = new Map([...kept].map(([id, li]) => [id, li.getBoundingClientRect().top]));
  const inside = list.contains(document.activeElement) ? document.activeElement : null;
  const focused = inside?.closest(".row")?.dataset.id;
  const now = Date.now();
  const rows = entries.map((entry) => {
    const id = entry.participant.id;
    const li = kept.get(id) || newRow(id, compact);
    fillRow(li, entry, now, compact);
    return li;
  });
  const shown = new Set(rows);
  for (const child of [...list.children]) if (!shown.has(child)) child.remove();
  rows.forEach((li, i) => {
    if (list.children[i] !== li) list.insertBefore(li, list.children[i] || null);
  });
  if (!rows.length) list.append(el("li", { class: "empty" }, "Nobody is ranked yet."));
  // One row in the tab order (the focused, else the selected, else the first): arrows move.
  const current = focused || address().participant;
  const stop = rows.find((li) => li.dataset.id === current) || rows[0];
  for (const li of rows) li.tabIndex = li === stop ? 0 : -1;
  const moved = focused && rows.find((li) => li.dataset.id === focused);
  if (moved && document.activeElement !== moved) moved.focus({ preventScroll: true });
  if (matchMedia("(prefers-reduced-motion: reduce)").matches) return;
  for (const li of rows) {
    const was = before.get(li.dataset.id);
    if (was === undefined) continue;
    const shift = was - li.getBoundingClientRect().top;
    if (!shift) continue;
    li.animate([{ transform: `translateY(${shift}px)` }, { transform: "translateY(0)" }], {
      duration: 450,
      easing: "ease-out",
    });
  }
}

// Clear the movement of rows that moved longer than MOVE_SHOWN_MS ago.
function fadeMoves() {
  const now = Date.now();
  for (const li of $("top-list").querySelectorAll(".row.hot")) {
    const move = state.moves.get(li.dataset.id);
    if (move && now - move.at <= MOVE_SHOWN_MS) continue;
    state.moves.delete(li.dataset.id);
    const entry = state.top?.find((e) => e.participant.id === li.dataset.id);
    if (entry) fillRow(li, entry, now, false);
  }
}

function announce(texts) {
  state.pending.push(...texts);
  const wait = state.announced + ANNOUNCE_EVERY_MS - Date.now();
  if (wait > 0) {
    setTimeout(() => announce([]), wait);
    return;
  }
  if (!state.pending.length) return;
  const shown = state.pending.slice(-3);
  const more = state.pending.length - shown.length;
  $("announce").textContent = shown.join(". ") + (more > 0 ? `, and ${more} more.` : ".");
  state.pending = [];
  state.announced = Date.now();
}

// A new top: note who moved how far since the last one, announce it, draw it.
function showTop(entries) {
  const now = Date.now();
  const texts = [];
  const firstTime = state.ranks.size === 0;
  for (const entry of entries) {
    const id = entry.participant.id;
    const was = state.ranks.get(id);
    if (!firstTime && was === undefined) {
      state.moves.set(id, { places: null, at: now });
      texts.push(`${entry.participant.name} is new in the top, at rank ${entry.rank}`);
    } else if (was !== undefined && was !== entry.rank) {
      const places = was - entry.rank;
      state.moves.set(id, { places, at: now });
      texts.push(`${entry.participant.name} ${places > 0 ? "up" : "down"} ${Math.abs(places)} to rank ${entry.rank}`);
    }
  }
  state.ranks = new Map(entries.map((e) => [e.participant.id, e.rank]));
  for (const id of state.moves.keys()) if (!state.ranks.has(id)) state.moves.delete(id);
  state.top = entries;
  renderRows($("top-list"), entries);
  if (texts.length) announce(texts);
}

const periodName = (period) => (period === "all" ? "all time" : period);

function winnerItem(w) {
  const who = w.participant ? w.participant.name : "(deleted)";
  return el("li", {}, el("strong", {}, who), ` won ${periodName(w.period)} with ${number.format(w.points)} `,
    el("span", { class: "muted" }, `· ${when.format(new Date(w.declaredAt))}`));
}

function runItem(r) {
  const at = r.finishedAt || r.createdAt;
  return el("li", {}, `${periodName(r.period)}: `, el("strong", {}, r.status.toLowerCase()),
    ` · ${number.format(r.rowCount)} rows `, el("span", { class: "muted" }, `· ${when.format(new Date(at))}`));
}

function prepend(list, item, keep) {
  list.querySelector(".empty")?.remove();
  list.prepend(item);
  while (list.children.length > keep) list.lastElementChild.remove();
}

function fill(list, items, empty) {
  list.replaceChildren(...(items.length ? items : [el("li", { class: "empty" }, empty)]));
}

function drawTrend() {
  const points = state.trend;
  const line = $("spark-line");
  if (points.length < 2) {
    line.setAttribute("points", "");
    $("spark-text").textContent = points.length ? `Score ${number.format(points[0])}; the trend draws as it changes.` : "";
    return;
  }
  const lo = Math.min(...points);
  const hi = Math.max(...points);
  const span = hi - lo || 1;
  const step = 200 / (points.length - 1);
  line.setAttribute("points", points.map((p, i) => `${(i * step).toFixed(1)},${(38 - ((p - lo) / span) * 36).toFixed(1)}`).join(" "));
  const text = `Score from ${number.format(points[0])} to ${number.format(points.at(-1))} over ${points.length - 1} change${points.length === 2 ? "" : "s"} (low ${number.format(lo)}, high ${number.format(hi)}).`;
  $("spark-text").textContent = text;
  $("spark-label").textContent = `Score trend. ${text}`;
}

// ---------------------------------------------------------------------------------------
// Loading

function stopBoard() {
  for (const stop of state.stops) stop();
  state.stops = [];
  state.aroundStop?.();
  state.aroundStop = null;
  state.ranks = new Map();
  state.moves = new Map();
}

function fail(error) {
  if (error.code === "UNAUTHENTICATED") signIn(error.message);
  else showBanner(error.message);
}

// Load what the address names. A load overtaken by a newer one (the user picked again
// while it waited) stops where it is, so that only the newest subscribes.
async function loadBoard() {
  const { board, period, first } = address();
  const load = ++state.loads;
  state.inflight = load;
  stopBoard();
  state.loaded = false;
  $("first").value = String(first);
  $("board").value = board;
  let data;
  try {
    data = await query(state.key, BOARD, { key: board, period, first });
  } catch (error) {
    if (load !== state.loads) return;
    fail(error);
    // No answer at all (not an error of the API): try again while the page is open.
    if (!(error instanceof GraphQLError)) setTimeout(() => load === state.loads && loadBoard(), 2000);
    return;
  } finally {
    if (state.inflight === load) state.inflight = 0;
  }
  if (load !== state.loads || !state.live) return;
  showBanner("");
  const lb = data.leaderboard;
  state.board = lb;
  $("top-title").textContent = `${lb.name}: top ${first}`;
  $("board-meta").textContent = `${lb.period === "all" ? "All time" : `Period ${lb.period}`} · ${number.format(lb.size)} ranked`;
  showPeriods(lb, data.leaderboardRuns.edges.map((e) => e.node));
  fill($("winners"), data.winners.edges.map((e) => winnerItem(e.node)), "No winner yet.");
  fill($("runs"), data.leaderboardRuns.edges.slice(0, 5).map((e) => runItem(e.node)), "No run yet.");
  showTop(data.leaderboard.entries.edges.map((e) => e.node));
  showConnection();
  if (!period) {
    const fresh = { key: board, first };
    state.stops.push(state.live.subscribe(TOP, fresh, (d) => showTop(d.leaderboardTop), fail));
    state.stops.push(state.live.subscribe(WINNERS, { key: board }, (d) => prepend($("winners"), winnerItem(d.winnerDeclared), 5), fail));
    state.stops.push(state.live.subscribe(RUNS, { key: board }, (d) => prepend($("runs"), runItem(d.runCompleted), 5), fail));
  }
  state.loaded = true;
  await loadAround();
  if (load === state.loads) $("layout").dataset.loaded = `${lb.key} ${lb.period}`; // (tests wait on it)
}

function showPeriods(lb, runs) {
  const windowed = lb.timeWindow !== "ALL_TIME";
  $("period-label").hidden = !windowed;
  if (!windowed) return;
  const past = [...new Set(runs.map((r) => r.period))];
  const current = address().period ? null : lb.period;
  const options = [el("option", { value: "" }, `current${current ? ` (${current})` : ""} · live`)];
  for (const p of past) if (p !== current) options.push(el("option", { value: p }, p));
  const chosen = address().period;
  if (chosen && !past.includes(chosen)) options.push(el("option", { value: chosen }, chosen));
  $("period").replaceChildren(...options);
  $("period").value = chosen || "";
}

async function loadAround() {
  const { board, period, participant } = address();
  const load = ++state.aroundLoads;
  state.aroundStop?.();
  state.aroundStop = null;
  $("around").hidden = !participant;
  if (!participant) return;
  let data;
  try {
    data = await query(state.key, AROUND, { key: board, period, id: participant });
  } catch (error) {
    if (load === state.aroundLoads) fail(error);
    return;
  }
  if (load !== state.aroundLoads) return;
  const around = data.leaderboard.around;
  const me = around.find((e) => e.participant.id === participant);
  $("around-title").textContent = me ? `${me.participant.name}: rank ${me.rank}` : "Not ranked on this board";
  renderRows($("around-list"), around, true);
  const trend = me ? await scoreTrend(participant, me.score) : [];
  if (load !== state.aroundLoads || !state.live) return;
  state.trend = trend;
  drawTrend();
  if (!period) {
    state.aroundStop = state.live.subscribe(CHANGES, { key: board, ids: [participant] }, (d) => {
      state.trend.push(d.rankChanged.newScore ?? 0);
      state.trend.splice(0, state.trend.length - TREND_POINTS);
      drawTrend();
      refreshAround();
    }, fail);
  }
}

// The selected participant's score before each of their recent events, newest last: on a
// board of one summed metric the score is the sum of its events (times the weight), so it
// is walked back from the current score. Other boards (and keys that may not read events)
// draw the trend from the live changes only.
async function scoreTrend(id, score) {
  const lb = state.board;
  const scored = lb.metrics.filter((m) => m.weight !== 0);
  if (!state.scopes.includes("READ") || scored.length !== 1 || scored[0].aggregation !== "SUM") return [score];
  let data;
  try {
    const window = { from: lb.periodStart, to: lb.periodEnd };
    const first = TREND_POINTS - 1;
    data = await query(state.key, HISTORY, { id, metric: scored[0].metric, ...window, first });
  } catch {
    return [score];
  }
  const events = data.participant?.scoreHistory || [];
  const scores = [score];
  let at = score;
  for (const event of events) {
    at -= event.value * scored[0].weight;
    scores.push(at);
  }
  return scores.reverse();
}

let refreshing = null;
function refreshAround() {
  // (several changes in a burst: one query)
  refreshing ??= setTimeout(async () => {
    refreshing = null;
    const { board, period, participant } = address();
    if (!participant) return;
    try {
      const data = await query(state.key, AROUND, { key: board, period, id: participant });
      const around = data.leaderboard.around;
      const me = around.find((e) => e.participant.id === participant);
      if (me) $("around-title").textContent = `${me.participant.name}: rank ${me.rank}`;
      renderRows($("around-list"), around, true);
    } catch (error) {
      fail(error);
    }
  }, 150);
}

function select(id) {
  go({ participant: id });
  for (const li of $("top-list").children) {
    li.classList.toggle("selected", li.dataset.id === id);
    li.setAttribute("aria-current", li.dataset.id === id ? "true" : "false");
  }
  loadAround();
}

async function search(event) {
  event.preventDefault();
  const text = $("search-text").value.trim();
  if (!text) return;
  try {
    const data = await query(state.key, SEARCH, { text });
    const found = data.searchParticipants;
    fill($("search-results"), found.map((p) => el("li", {}, el("button", { type: "button", onclick: () => select(p.id) }, p.name))), "Nobody by that name.");
  } catch (error) {
    fail(error);
  }
}

// ---------------------------------------------------------------------------------------
// Start

function signIn(message) {
  stopBoard();
  state.live?.socket?.close();
  if (state.live) state.live.stopped = true;
  state.live = null;
  sessionStorage.removeItem(KEY_STORE);
  $("layout").hidden = true;
  $("signin").hidden = false;
  showBanner(message || "");
  $("key").focus();
}

async function start(key) {
  state.key = key;
  let viewer, boards;
  try {
    ({ viewer } = await query(key, VIEWER));
    ({ leaderboards: boards } = await query(key, BOARDS));
  } catch (error) {
    if (error.code === "UNAUTHENTICATED" || error.code === "FORBIDDEN") signIn(error.message);
    else showBanner(`The server did not answer: ${error.message}`);
    return;
  }
  state.scopes = viewer.scopes;
  state.boards = boards;
  $("signin").hidden = true;
  $("layout").hidden = false;
  const readable = viewer.scopes.includes("READ");
  $("search-text").disabled = !readable;
  $("search-note").hidden = readable;
  $("search-note").textContent = readable ? "" : "Searching needs a READ key; select a row to see around it.";
  $("board").replaceChildren(...boards.map((b) => el("option", { value: b.key }, b.name)));
  if (!boards.length) {
    showBanner("This key sees no leaderboard.");
    return;
  }
  const wanted = address().board;
  if (!wanted || !boards.some((b) => b.key === wanted)) {
    if (wanted) showBanner(`No leaderboard ${wanted}: showing ${boards[0].name}.`);
    go({ board: boards[0].key, period: null, participant: null }, true);
  }
  state.live = new LiveSocket(key, (kind, reason) => {
    setConnection(kind, reason);
    if (kind !== "live") return;
    if (!state.loaded && !state.inflight) loadBoard(); // (the last load failed: again now)
    else reloadSide();
  });
  await loadBoard();
}

// After a reconnection: the subscriptions resend the top; the lists may have missed events.
async function reloadSide() {
  const { board } = address();
  try {
    const data = await query(state.key, BOARD, { key: board, period: address().period, first: 1 });
    fill($("winners"), data.winners.edges.map((e) => winnerItem(e.node)), "No winner yet.");
    fill($("runs"), data.leaderboardRuns.edges.slice(0, 5).map((e) => runItem(e.node)), "No run yet.");
  } catch (error) {
    fail(error);
  }
  refreshAround();
}

function wire() {
  $("board").addEventListener("change", (e) => {
    go({ board: e.target.value, period: null, participant: null });
    loadBoard();
  });
  $("period").addEventListener("change", (e) => {
    go({ period: e.target.value || null });
    loadBoard();
  });
  $("first").addEventListener("change", (e) => {
    go({ first: Number(e.target.value) });
    loadBoard();
  });
  $("search").addEventListener("submit", search);
  $("signin").addEventListener("submit", (e) => {
    e.preventDefault();
    const key = $("key").value.trim();
    sessionStorage.setItem(KEY_STORE, key);
    $("key").value = "";
    start(key);
  });
  addEventListener("popstate", () => state.live && loadBoard());
  setInterval(fadeMoves, 1000);
}

wire();
const key = takeKey();
if (key) start(key);
else signIn();
