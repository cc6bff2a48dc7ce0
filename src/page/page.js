// The step-through page: reads the run's data from #run-data and shows one
// step at a time. No network, no libraries: it runs from a file:// URL.
"use strict";
(function () {
  const D = JSON.parse(document.getElementById("run-data").textContent);
  const $ = (id) => document.getElementById(id);
  let lang = D.lang === "zh" ? "zh" : "en";
  let step = 0;          // 0-based index into D.steps
  let selected = null;   // the selected event, or null for the step's first
  let field = null;      // [offset, len] of the highlighted field
  let timer = null;

  const ui = (key, vars) => {
    let s = (D.ui[lang] && D.ui[lang][key]) || D.ui.en[key] || key;
    for (const k in vars || {}) s = s.split("{" + k + "}").join(String(vars[k]));
    return s;
  };
  const el = (tag, attrs, text) => {
    const e = document.createElement(tag);
    for (const k in attrs || {}) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    return e;
  };
  const stepRange = (s) => [D.steps[s], s + 1 < D.steps.length ? D.steps[s + 1] : D.events.length];
  const frameEvent = () => {
    const [a, b] = stepRange(step);
    if (selected !== null && D.events[selected].frame !== null) return selected;
    for (let i = a; i < b; i++) if (D.events[i].frame !== null) return i;
    return null;
  };

  // The event list, built once.
  const list = $("event-list");
  D.events.forEach((e, i) => {
    const li = el("li", { "data-index": String(i) }, e.t + " " + e.text);
    li.addEventListener("click", () => {
      step = stepOf(i);
      selected = i;
      field = null;
      render();
    });
    list.appendChild(li);
  });
  const stepOf = (i) => {
    let s = 0;
    while (s + 1 < D.steps.length && D.steps[s + 1] <= i) s++;
    return s;
  };

  $("topology").innerHTML = D.topology;

  function labels() {
    document.documentElement.lang = lang;
    $("title").textContent = D.title;
    $("description").textContent = D.description[lang] || D.description.en || "";
    $("first").textContent = ui("page-first");
    $("prev").textContent = ui("page-prev");
    $("next").textContent = ui("page-next");
    $("last").textContent = ui("page-last");
    $("play").textContent = timer ? ui("page-pause") : ui("page-play");
    $("lang").textContent = lang === "en" ? "中文" : "English";
    $("keys").textContent = ui("page-keys");
    $("h-topology").textContent = ui("page-topology");
    $("h-state").textContent = ui("page-state");
    $("h-explain").textContent = ui("page-explain");
    $("h-layers").textContent = ui("page-layers");
    $("h-bytes").textContent = ui("page-bytes");
    $("h-events").textContent = ui("page-events");
    $("truncated").textContent = D.leftOut > 0 ? ui("page-truncated", { count: D.leftOut }) : "";
  }

  function renderTopology(a, b) {
    document.querySelectorAll("#topology .active").forEach((n) => n.classList.remove("active"));
    const first = D.events[a];
    if (!first) return;
    const node = D.nodes[first.node];
    const g = node && document.getElementById("node-" + node.name);
    if (g) g.classList.add("active");
    if (first.link !== null) {
      const l = document.getElementById("link-" + first.link);
      if (l) l.classList.add("active");
      const ends = D.links[first.link] || [];
      ends.forEach((n) => {
        const h = D.nodes[n] && document.getElementById("node-" + D.nodes[n].name);
        if (h) h.classList.add("active");
      });
    }
  }

  function renderFields(parent, fields) {
    fields.forEach((f) => {
      const row = el("div", { class: "field", "data-offset": String(f.offset), "data-len": String(f.len) });
      row.appendChild(el("span", { class: "name" }, f.name + ": "));
      row.appendChild(el("span", { class: "value" }, f.value));
      if (f.meaning) row.appendChild(el("span", { class: "meaning" }, " — " + f.meaning));
      row.addEventListener("click", (ev) => {
        ev.stopPropagation();
        field = [f.offset, f.len];
        highlight();
        document.querySelectorAll("#layers .field.selected").forEach((n) => n.classList.remove("selected"));
        row.classList.add("selected");
      });
      parent.appendChild(row);
      if (f.children && f.children.length) {
        const box = el("div", { class: "children" });
        renderFields(box, f.children);
        parent.appendChild(box);
      }
    });
  }

  function renderFrame() {
    const layers = $("layers");
    const hex = $("hex");
    layers.textContent = "";
    hex.textContent = "";
    const i = frameEvent();
    if (i === null) {
      layers.textContent = ui("page-no-frame");
      return;
    }
    const frame = D.frames[D.events[i].frame];
    (frame[lang] || frame.en).forEach((layer) => {
      const d = el("details", { open: "", "data-offset": String(layer.offset), "data-len": String(layer.len) });
      const s = el("summary", {}, layer.name + (layer.summary ? ": " + layer.summary : ""));
      s.addEventListener("click", () => {
        field = [layer.offset, layer.len];
        highlight();
      });
      d.appendChild(s);
      renderFields(d, layer.fields);
      layers.appendChild(d);
    });
    const bytes = frame.hex.match(/../g) || [];
    for (let row = 0; row < bytes.length; row += 16) {
      hex.appendChild(document.createTextNode(row.toString(16).padStart(4, "0") + "  "));
      let ascii = "";
      for (let j = row; j < row + 16; j++) {
        if (j < bytes.length) {
          hex.appendChild(el("span", { class: "b", "data-off": String(j) }, bytes[j]));
          const c = parseInt(bytes[j], 16);
          ascii += c >= 32 && c < 127 ? String.fromCharCode(c) : ".";
        } else {
          hex.appendChild(document.createTextNode("  "));
        }
        hex.appendChild(document.createTextNode(j % 16 === 7 ? "  " : " "));
      }
      hex.appendChild(document.createTextNode(" " + ascii + "\n"));
    }
    highlight();
  }

  function highlight() {
    document.querySelectorAll("#hex .b").forEach((b) => {
      const off = Number(b.getAttribute("data-off"));
      b.classList.toggle("hl", field !== null && off >= field[0] && off < field[0] + field[1]);
    });
  }

  function tablesAfter(n, i) {
    let found = null;
    for (const [at, t] of D.states[n] || []) {
      if (at <= i) found = t;
      else break;
    }
    return found || { arp: [], macs: [], tcp: [], leases: [] };
  }

  function renderState(a, b) {
    const box = $("state");
    box.textContent = "";
    const involved = new Set();
    for (let i = a; i < b; i++) involved.add(D.events[i].node);
    D.nodes.forEach((node, n) => {
      const t = tablesAfter(n, b - 1);
      const div = el("div", { class: "node-state", "data-node": node.name });
      if (involved.has(n)) div.classList.add("active");
      div.appendChild(el("h3", {}, node.name + " (" + node.kind + ")"));
      const table = (cls, title, rows) => {
        div.appendChild(el("div", { class: "title" }, title));
        const ul = el("ul", { class: cls });
        if (!rows.length) ul.appendChild(el("li", { class: "empty" }, ui("page-empty")));
        rows.forEach((r) => ul.appendChild(el("li", {}, r)));
        div.appendChild(ul);
      };
      const fixed = (f) => (f ? " (" + ui("page-static") + ")" : "");
      if (node.kind === "switch") {
        table("mac-table", ui("page-mac-table"), t.macs.map((m) => m[0] + " → " + m[1] + fixed(m[2])));
      } else {
        table("arp-cache", ui("page-arp-cache"), t.arp.map((r) => r[0] + " → " + r[1] + " (" + r[2] + ")" + fixed(r[3])));
        if (node.dhcp) table("leases", ui("page-dhcp"), t.leases || []);
        table("routes", ui("page-routes"), node.routes);
        table("tcp", ui("page-tcp"), t.tcp.map((c) => c[0] + " ⇄ " + c[1] + " " + c[2]));
      }
      box.appendChild(div);
    });
  }

  function render() {
    labels();
    const [a, b] = stepRange(step);
    $("step-counter").textContent = ui("page-step", { n: step + 1, total: D.steps.length });
    $("prev").disabled = $("first").disabled = step === 0;
    $("next").disabled = $("last").disabled = step + 1 >= D.steps.length;
    const items = list.children;
    let firstCurrent = null;
    for (let i = 0; i < items.length; i++) {
      const on = i >= a && i < b;
      items[i].classList.toggle("current", on);
      items[i].classList.toggle("selected", i === selected);
      if (on && firstCurrent === null) firstCurrent = items[i];
    }
    // Scroll the list only, never the page.
    if (firstCurrent) list.scrollTop = Math.max(0, firstCurrent.offsetTop - 8);
    const ex = $("explain");
    ex.textContent = "";
    for (let i = a; i < b; i++) {
      const e = D.events[i];
      const li = el("li", { "data-index": String(i) }, e[lang] || e.en || e.text);
      if (i === (selected === null ? frameEvent() : selected)) li.classList.add("selected");
      ex.appendChild(li);
    }
    renderTopology(a, b);
    renderFrame();
    renderState(a, b);
  }

  function go(s) {
    const next = Math.max(0, Math.min(D.steps.length - 1, s));
    if (next !== step) {
      step = next;
      selected = null;
      field = null;
    }
    render();
  }
  function play() {
    if (timer) {
      clearInterval(timer);
      timer = null;
    } else {
      timer = setInterval(() => {
        if (step + 1 >= D.steps.length) play();
        else go(step + 1);
      }, 900);
    }
    render();
  }

  $("first").addEventListener("click", () => go(0));
  $("prev").addEventListener("click", () => go(step - 1));
  $("next").addEventListener("click", () => go(step + 1));
  $("last").addEventListener("click", () => go(D.steps.length - 1));
  $("play").addEventListener("click", play);
  $("lang").addEventListener("click", () => {
    lang = lang === "en" ? "zh" : "en";
    render();
  });
  document.addEventListener("keydown", (ev) => {
    if (ev.altKey || ev.ctrlKey || ev.metaKey) return;
    const k = ev.key;
    if (k === "ArrowRight" || k === "j" || k === "l") go(step + 1);
    else if (k === "ArrowLeft" || k === "k" || k === "h") go(step - 1);
    else if (k === "Home") go(0);
    else if (k === "End") go(D.steps.length - 1);
    else if (k === " ") play();
    else return;
    ev.preventDefault();
  });
  const fromHash = /^#step=(\d+)$/.exec(location.hash);
  if (fromHash) step = Math.max(0, Math.min(D.steps.length - 1, Number(fromHash[1]) - 1));
  render();
})();
