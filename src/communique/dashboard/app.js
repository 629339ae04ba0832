// communique dashboard: plain DOM, no framework. Everything from the store is put on the page
// with textContent or as SVG/Chart.js data, never parsed as HTML (article text is hostile input).
"use strict";

(function () {
  const API = "/api/v1";
  const PAGE = 50;
  const QUAD = ["", "verbal cooperation", "material cooperation", "verbal conflict", "material conflict"];
  const state = { cursor: null, shown: 0, chart: null, selectedRow: null, world: null };
  // Each view draws only the answer to its latest request (searches can overlap).
  const latest = { events: 0, places: 0, timeline: 0, article: 0 };
  const ticket = (view) => ++latest[view];
  const stale = (view, n) => latest[view] !== n;

  const $ = (id) => document.getElementById(id);

  function el(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }

  function svg(tag, attrs) {
    const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
    return node;
  }

  function status(text) {
    $("status").textContent = text || "";
  }

  async function getJSON(path) {
    const response = await fetch(path, { headers: { Accept: "application/json" } });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) {
      const detail = typeof body.detail === "string" ? body.detail : JSON.stringify(body.detail);
      throw new Error(`${response.status}: ${detail}`);
    }
    return body;
  }

  function filters() {
    const params = new URLSearchParams();
    const form = new FormData($("filters"));
    for (const [key, value] of form.entries()) {
      const text = String(value).trim();
      if (key === "undirected") params.set("undirected", "true");
      else if (text) params.set(key, text);
    }
    return params;
  }

  function actorLabel(actor) {
    if (!actor) return "";
    return actor.code;
  }

  // --- events table ---

  function eventRow(event) {
    const tr = el("tr");
    tr.className = `q${event.quad_class}`;
    tr.dataset.docId = event.doc_id;
    tr.dataset.eventId = event.event_id;
    tr.appendChild(el("td", event.date || ""));
    tr.appendChild(el("td", actorLabel(event.source)));
    const what = el("td");
    what.appendChild(el("strong", event.cameo));
    what.appendChild(document.createTextNode(` ${event.cameo_name || ""}`));
    if (event.plover_type) what.appendChild(el("div", event.plover_type, "meta"));
    tr.appendChild(what);
    tr.appendChild(el("td", actorLabel(event.target)));
    const loc = event.location;
    tr.appendChild(el("td", loc ? `${loc.name}${loc.country ? ", " + loc.country : ""}` : ""));
    const sentence = el("td", event.sentence, "sentence");
    sentence.title = event.sentence || "";
    tr.appendChild(sentence);
    tr.addEventListener("click", () => selectEvent(tr, event));
    return tr;
  }

  async function loadEvents(more) {
    const params = filters();
    params.set("limit", String(PAGE));
    if (more && state.cursor) params.set("cursor", state.cursor);
    const body = $("events").querySelector("tbody");
    const n = ticket("events");
    status("loading events...");
    try {
      const page = await getJSON(`${API}/events?${params}`);
      if (stale("events", n)) return;
      if (!more) {
        body.replaceChildren();
        state.shown = 0;
      }
      for (const event of page.events) body.appendChild(eventRow(event));
      state.shown += page.events.length;
      state.cursor = page.next_cursor;
      $("more").hidden = !page.next_cursor;
      $("events-count").textContent = `(${state.shown}${page.next_cursor ? "+" : ""})`;
      document.body.dataset.events = String(state.shown);
      status(state.shown ? "" : "no events match these filters");
    } catch (err) {
      status(`events: ${err.message}`);
    }
  }

  async function selectEvent(tr, event) {
    if (state.selectedRow) state.selectedRow.classList.remove("selected");
    tr.classList.add("selected");
    state.selectedRow = tr;
    await showArticle(event.doc_id, event.event_id);
    const params = filters();
    const a = params.get("source") || (event.source && event.source.country);
    const b = params.get("target") || (event.target && event.target.country);
    if (a && b) await loadTimeline(a, b);
  }

  // --- article with highlighted actors and trigger verb ---

  function highlighted(text, event) {
    const marks = [];
    const add = (span, cls) => {
      if (span && span[0] < span[1] && span[0] >= 0 && span[1] <= text.length) {
        marks.push({ start: span[0], end: span[1], cls });
      }
    };
    if (event) {
      add(event.offsets.source, "hl-source");
      add(event.offsets.verb, "hl-verb");
      add(event.offsets.target, "hl-target");
    }
    marks.sort((x, y) => x.start - y.start || y.end - x.end);
    const fragment = document.createDocumentFragment();
    let at = 0;
    for (const mark of marks) {
      if (mark.start < at) continue; // overlapping spans: the first wins
      fragment.appendChild(document.createTextNode(text.slice(at, mark.start)));
      const node = el("mark", text.slice(mark.start, mark.end), mark.cls);
      fragment.appendChild(node);
      at = mark.end;
    }
    fragment.appendChild(document.createTextNode(text.slice(at)));
    return fragment;
  }

  function renderArticle(view, eventId) {
    const article = view.article;
    const chosen = view.events.find((e) => e.event_id === eventId) || view.events[0];
    $("article-panel").hidden = false;
    $("article-title").textContent = article.title || article.doc_id;
    const meta = [article.doc_id, article.published, article.source_domain || article.url]
      .filter(Boolean)
      .join(" · ");
    $("article-meta").textContent = meta;
    const text = $("article-text");
    if (article.text) text.replaceChildren(highlighted(article.text, chosen));
    else text.textContent = "(no text stored: these events were imported)";
    const list = $("article-events");
    list.replaceChildren();
    for (const event of view.events) {
      const who = `${actorLabel(event.source)} → ${actorLabel(event.target) || "—"}`;
      const item = el("li", `${event.cameo} ${event.cameo_name} (${who}, Goldstein ${event.goldstein ?? "n/a"})`);
      if (chosen && event.event_id === chosen.event_id) item.className = "selected";
      item.addEventListener("click", () => renderArticle(view, event.event_id));
      list.appendChild(item);
    }
    const mark = text.querySelector("mark");
    if (mark) mark.scrollIntoView({ block: "nearest" });
    document.body.dataset.article = article.doc_id;
  }

  async function showArticle(docId, eventId) {
    const n = ticket("article");
    try {
      const view = await getJSON(`${API}/articles/${encodeURIComponent(docId)}`);
      if (stale("article", n)) return;
      renderArticle(view, eventId);
    } catch (err) {
      status(`article: ${err.message}`);
    }
  }

  // --- dyad timeline (Chart.js) ---

  async function loadTimeline(source, target) {
    const params = filters();
    const query = new URLSearchParams();
    for (const key of ["since", "until", "cameo", "place", "undirected"]) {
      if (params.get(key)) query.set(key, params.get(key));
    }
    const path = `${API}/dyads/${encodeURIComponent(source)}/${encodeURIComponent(target)}/timeline`;
    const n = ticket("timeline");
    try {
      const data = await getJSON(`${path}?${query}`);
      if (stale("timeline", n)) return;
      drawTimeline(data);
    } catch (err) {
      status(`timeline: ${err.message}`);
    }
  }

  function drawTimeline(data) {
    $("dyad-name").textContent = `${data.source} → ${data.target}`;
    const buckets = data.buckets;
    const total = buckets.reduce((n, b) => n + b.events, 0);
    $("timeline-note").textContent = `${total} reports by ${data.by}; bars: counts by QuadClass, line: mean Goldstein`;
    const colors = ["", "#2b8a3e", "#69db7c", "#f59f00", "#c92a2a"];
    const datasets = [1, 2, 3, 4].map((q) => ({
      type: "bar",
      label: `${q} ${QUAD[q]}`,
      data: buckets.map((b) => b[`quad${q}`]),
      backgroundColor: colors[q],
      stack: "quad",
      yAxisID: "y",
      order: 2,
    }));
    datasets.push({
      type: "line",
      label: "mean Goldstein",
      data: buckets.map((b) => b.goldstein_mean),
      borderColor: "#1f3a5f",
      backgroundColor: "#1f3a5f",
      yAxisID: "y1",
      order: 1,
      tension: 0.2,
    });
    if (state.chart) state.chart.destroy();
    if (typeof Chart === "undefined") {
      status("chart library not loaded");
      return;
    }
    state.chart = new Chart($("timeline"), {
      data: { labels: buckets.map((b) => b.period), datasets },
      options: {
        animation: false,
        maintainAspectRatio: false,
        interaction: { mode: "index", intersect: false },
        scales: {
          y: { stacked: true, beginAtZero: true, title: { display: true, text: "reports" } },
          y1: { position: "right", min: -10, max: 10, grid: { drawOnChartArea: false },
                title: { display: true, text: "Goldstein" } },
          x: { stacked: true },
        },
      },
    });
    document.body.dataset.timeline = String(buckets.length);
  }

  // --- map of event locations (equirectangular, vendored Natural Earth outline) ---

  const project = (lon, lat) => [((lon + 180) * 2).toFixed(2), ((90 - lat) * 2).toFixed(2)];

  function ringPath(ring) {
    // a jump of more than 180 degrees crosses the antimeridian: start a new subpath there
    let last = null;
    const parts = ring.map(([lon, lat]) => {
      const move = last === null || Math.abs(lon - last) > 180;
      last = lon;
      return `${move ? "M" : "L"}${project(lon, lat).join(",")}`;
    });
    return parts.join("") + "Z";
  }

  async function drawWorld() {
    try {
      const response = await fetch("/static/vendor/countries-110m.json");
      const topo = await response.json();
      const land = topojson.feature(topo, topo.objects.countries);
      const group = $("land");
      for (const feature of land.features) {
        const geometry = feature.geometry;
        if (!geometry) continue;
        const polygons = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
        const d = polygons.map((rings) => rings.map(ringPath).join("")).join("");
        const path = svg("path", { d, class: "land" });
        const title = svg("title");
        title.textContent = (feature.properties && feature.properties.name) || "";
        path.appendChild(title);
        group.appendChild(path);
      }
      document.body.dataset.world = String(land.features.length);
    } catch (err) {
      status(`map outline: ${err.message}`);
    }
  }

  async function loadPlaces() {
    const params = filters();
    params.set("limit", "500");
    const n = ticket("places");
    try {
      const data = await getJSON(`${API}/places?${params}`);
      if (stale("places", n)) return;
      const group = $("points");
      group.replaceChildren();
      const most = Math.max(1, ...data.places.map((p) => p.events));
      for (const place of data.places) {
        const [x, y] = project(place.lon, place.lat);
        const r = (2 + 10 * Math.sqrt(place.events / most)).toFixed(2);
        const dot = svg("circle", { cx: x, cy: y, r, class: "point" });
        const title = svg("title");
        title.textContent = `${place.name}${place.country ? ", " + place.country : ""}: ${place.events} reports`;
        dot.appendChild(title);
        dot.addEventListener("click", () => {
          $("filters").elements.namedItem("place").value = place.name;
          refresh();
        });
        group.appendChild(dot);
      }
      $("places-count").textContent = `(${data.places.length} places)`;
      document.body.dataset.places = String(data.places.length);
    } catch (err) {
      status(`places: ${err.message}`);
    }
  }

  // --- wiring ---

  async function refresh() {
    const params = filters();
    const jobs = [loadEvents(false), loadPlaces()];
    if (params.get("source") && params.get("target")) {
      jobs.push(loadTimeline(params.get("source"), params.get("target")));
    }
    await Promise.all(jobs);
  }

  document.addEventListener("DOMContentLoaded", () => {
    $("filters").addEventListener("submit", (e) => {
      e.preventDefault();
      refresh();
    });
    $("filters").addEventListener("reset", () => setTimeout(refresh, 0));
    $("more").addEventListener("click", () => loadEvents(true));
    drawWorld();
    refresh();
  });
})();
