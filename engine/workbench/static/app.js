// The officer's workbench: one page, no framework, no network beyond this server.
// The rulebook's text is the one state: forms ask the server to change one value in it (comments and
// layout kept), the raw editor changes it directly, undo/redo walk its history, and every change
// asks the server for the live results (errors, golden cases, diff, example ledgers, warnings).
"use strict";

const $ = (selector, root = document) => root.querySelector(selector);
const esc = (value) => String(value ?? "").replace(/[&<>"']/g, (c) => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c]));
const state = {id: null, saved: "", history: [], index: -1, seq: 0, timer: null, live: null};

async function api(method, url, body) {
  const response = await fetch(url, {method, headers: body ? {"Content-Type": "application/json"} : {},
                                     body: body ? JSON.stringify(body) : undefined});
  const data = await response.json().catch(() => ({error: {rendered: `HTTP ${response.status}`}}));
  if (!response.ok) throw data.error || {rendered: `HTTP ${response.status}`};
  return data;
}

// -- the list of rulebooks -------------------------------------------------------------------------
async function showList() {
  $("#edit-view").hidden = true;
  $("#list-view").hidden = false;
  const tbody = $("#rulebooks tbody");
  tbody.innerHTML = `<tr><td colspan="6" class="muted">正在检查… <span class="en">checking…</span></td></tr>`;
  const data = await api("GET", "/api/rulebooks");
  $("#folder").textContent = data.folder;
  tbody.innerHTML = data.rulebooks.map((rb) => {
    const check = rb.errors ? `<span class="pill fail">${rb.errors} 个错误 <span class="en">errors</span></span>`
                            : `<span class="pill ok">通过 <span class="en">ok</span></span>`;
    const golden = rb.golden ? `<span class="pill ${rb.golden.failed ? "fail" : "ok"}">${rb.golden.passed} 通过 <span class="en">passed</span> · ${rb.golden.failed} 失败 <span class="en">failed</span></span>` : "—";
    const warnings = rb.text_warnings ? `<span class="pill warn">${rb.text_warnings} 处不一致 <span class="en">disagree</span></span>` : `<span class="ok">一致 <span class="en">agree</span></span>`;
    return `<tr data-id="${esc(rb.id)}"><td><b>${esc(rb.id)}</b><br><span class="muted">${esc(rb.jurisdiction || "")}</span></td>
      <td>${esc(rb.title || "")}<br><span class="muted">${esc(rb.document || "")}</span></td><td>${check}</td><td class="golden">${golden}</td>
      <td>${warnings}</td><td>${esc(rb.last_change.replace("T", " "))}</td></tr>`;
  }).join("");
  for (const row of tbody.querySelectorAll("tr[data-id]")) row.onclick = () => { location.hash = `#rb/${row.dataset.id}`; };
}

// -- one rulebook ----------------------------------------------------------------------------------------
async function openRulebook(id) {
  $("#list-view").hidden = true;
  $("#edit-view").hidden = false;
  $("#rb-title").textContent = id;
  $("#save-message").hidden = true;
  const data = await api("GET", `/api/rulebooks/${encodeURIComponent(id)}`);
  Object.assign(state, {id, saved: data.text, history: [data.text], index: 0});
  $("#rb-title").innerHTML = `${esc(id)} <span class="en">${esc(data.title || "")}</span>`;
  $("#raw").value = data.text;
  render(data);
  loadSkeleton(id);
}

function text() { return state.history[state.index]; }

function setText(next, {fromRaw = false} = {}) {
  if (next === text()) return;
  state.history = state.history.slice(0, state.index + 1);
  state.history.push(next);
  state.index += 1;
  if (!fromRaw) $("#raw").value = next;
  refresh();
}

function move(step) {
  const target = state.index + step;
  if (target < 0 || target >= state.history.length) return;
  state.index = target;
  $("#raw").value = text();
  refresh();
}

function buttons() {
  $("#undo").disabled = state.index <= 0;
  $("#redo").disabled = state.index >= state.history.length - 1;
  const dirty = text() !== state.saved;
  $("#dirty").hidden = !dirty;
  $("#save").disabled = !dirty;
}

async function refresh() {
  buttons();
  const seq = ++state.seq;
  document.body.dataset.busy = "1";
  try {
    const live = await api("POST", `/api/rulebooks/${encodeURIComponent(state.id)}/evaluate`, {text: text()});
    if (seq === state.seq) render(live);
  } catch (error) {
    if (seq === state.seq) renderErrors([error]);
  } finally {
    if (seq === state.seq) delete document.body.dataset.busy;
  }
}

function render(live) {
  state.live = live;
  buttons();
  renderErrors(live.errors);
  renderForms(live.sections);
  renderGolden(live.golden);
  renderWarnings(live.text_warnings);
  renderDiff(live.diff);
  renderExamples(live.examples);
}

function renderErrors(errors) {
  const body = $("#live-errors .body");
  if (!errors.length) { body.innerHTML = `<p class="ok">无错误 <span class="en">no errors: the rulebook compiles</span></p>`; return; }
  body.innerHTML = errors.map((e) => `<div class="item fail">${e.line ? `<a class="jump" data-line="${e.line}">第 ${e.line} 行 line ${e.line}${e.column ? `:${e.column}` : ""}</a> ` : ""}
    ${esc(e.field || "")} — ${esc(e.message || e.rendered)}</div>`).join("");
  for (const link of body.querySelectorAll("a.jump")) link.onclick = () => jumpTo(Number(link.dataset.line));
}

function jumpTo(line) {
  tab("raw");
  const area = $("#raw");
  const lines = area.value.split("\n");
  const start = lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0);
  area.focus();
  area.setSelectionRange(start, start + (lines[line - 1] || "").length);
  area.scrollTop = Math.max(0, (line - 5) * 18.85);
}

function fieldHtml(field) {
  const key = esc(field.path.join("."));
  const label = `<span>${esc(field.label)}</span>`;
  if (field.type === "int") return `<label>${label} <input type="number" data-path="${key}" value="${esc(field.value)}"></label>`;
  if (field.type === "threshold") return `<label class="threshold">${label} <code>${esc(field.prefix)}</code><input type="number" data-path="${key}" data-prefix="${esc(field.prefix)}" value="${esc(field.number)}"></label>`;
  if (field.type === "select") return `<label>${label} <select data-path="${key}">${field.options.map((o) => `<option ${o === field.value ? "selected" : ""}>${esc(o)}</option>`).join("")}</select></label>`;
  if (field.type === "text") return `<label>${label}<textarea data-path="${key}">${esc(field.value)}</textarea></label>`;
  return `<label>${label} <input type="text" data-path="${key}" value="${esc(field.value)}" size="40"></label>`;
}

function renderForms(sections) {
  const box = $("#tab-forms");
  if (!sections) { box.innerHTML = `<p class="fail">文本不是有效的 YAML，请在“原始 YAML”中修改。<span class="en">The text is not valid YAML: fix it in Raw YAML.</span></p>`; return; }
  const focused = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.path : null;
  box.innerHTML = sections.map((section) => `<h3 class="section-title" id="section-${esc(section.id)}">${esc(section.title)}</h3>` +
    section.items.map((item) => `<div class="rule" data-rule="${esc(item.path.join("."))}">
      <div class="law"><div class="article">${esc(item.article || "")} <span class="muted">${esc(item.title)}</span></div>
        <div class="sentence">${esc(item.text || "")}</div>${item.line ? `<div class="line">第 ${item.line} 行 line ${item.line}</div>` : ""}</div>
      <div class="fields">${item.fields.map(fieldHtml).join("")}</div></div>`).join("")).join("");
  for (const input of box.querySelectorAll("[data-path]")) input.addEventListener("change", () => formEdit(input));
  if (focused) { const again = box.querySelector(`[data-path="${CSS.escape(focused)}"]`); if (again) again.focus(); }
}

async function formEdit(input) {
  const path = input.dataset.path.split(".").map((part) => (/^\d+$/.test(part) ? Number(part) : part));
  let value = input.value;
  if (input.type === "number") {
    if (value === "" || Number.isNaN(Number(value))) return;
    value = Number(value);
    if (input.dataset.prefix) value = `${input.dataset.prefix} ${value}`;
  }
  try {
    const result = await api("POST", `/api/rulebooks/${encodeURIComponent(state.id)}/edit`, {text: text(), path, value});
    setText(result.text);
  } catch (error) {
    renderErrors([error]);
  }
}

function mismatchRows(c) {
  const rows = c.mismatches.map((m) => `<tr><td>${esc(m.field)}</td><td>${esc(JSON.stringify(m.expected))}</td><td>${esc(JSON.stringify(m.actual))}</td></tr>`).join("");
  return rows ? `<table class="grid"><tr><th>字段 <span class="en">field</span></th><th>预期 <span class="en">expected</span></th><th>实际 <span class="en">actual</span></th></tr>${rows}</table>` : "";
}

function renderGolden(golden) {
  const body = $("#live-golden .body");
  const counts = $("#live-golden .counts");
  if (!golden) { counts.innerHTML = ""; body.innerHTML = `<p class="muted">规则集有错误，未运行。<span class="en">Not run: the rulebook has errors.</span></p>`; return; }
  counts.innerHTML = `<span id="golden-passed" class="pill ok">${golden.passed} 通过 <span class="en">passed</span></span>
    <span id="golden-failed" class="pill ${golden.failed ? "fail" : "ok"}">${golden.failed} 失败 <span class="en">failed</span></span>`;
  const failing = golden.cases.filter((c) => !c.passed);
  const passing = golden.cases.filter((c) => c.passed);
  body.innerHTML = failing.map((c) => `<details class="case fail" data-case="${esc(c.path)}"><summary>失败 FAIL ${esc(c.path)} — ${esc(c.title)}</summary>
      <div class="muted">检验条款 <span class="en">articles</span>: ${esc(c.articles.join(", "))}</div>
      ${c.problem ? `<div class="fail">${esc(c.problem.text)}</div>` : ""}${mismatchRows(c)}
      ${c.error ? `<div>引擎报错 <span class="en">the engine rejected the case</span>: ${esc(c.error.text)}</div>` : ""}
      ${c.trace.length ? `<pre>${esc(c.trace.map((s) => `${s.event ?? ""}\t${s.article || ""}\t${s.detail}`).join("\n"))}</pre>` : ""}</details>`).join("") +
    `<details><summary class="ok">${passing.length} 个案例通过 <span class="en">cases pass</span></summary>${passing.map((c) => `<div class="case ok" data-case="${esc(c.path)}">✓ ${esc(c.path)} — ${esc(c.title)}</div>`).join("")}</details>`;
}

function renderWarnings(warnings) {
  $("#live-warnings .body").innerHTML = warnings.length ? warnings.map((w) => `<div class="item warn">${w.line ? `<a class="jump" data-line="${w.line}">第 ${w.line} 行</a> ` : ""}${esc(w.message)}<br><span class="muted">原文 <span class="en">text</span>: ${esc(w.text)}</span></div>`).join("")
    : `<p class="ok">原文与编码数值一致 <span class="en">every number agrees with its sentence</span></p>`;
  for (const link of $("#live-warnings .body").querySelectorAll("a.jump")) link.onclick = () => jumpTo(Number(link.dataset.line));
}

function renderDiff(diff) {
  const body = $("#live-diff .body");
  if (diff === null || diff === undefined) { body.innerHTML = `<p class="muted">—</p>`; return; }
  body.innerHTML = diff.length ? `<table class="grid"><tr><th>位置 <span class="en">where</span></th><th>已保存 <span class="en">saved</span></th><th>修改后 <span class="en">edited</span></th></tr>` +
    diff.map((c) => `<tr><td>${esc(c.section)} · ${esc(c.path)}</td><td>${esc(c.a ?? "—")}</td><td>${esc(c.b ?? "—")}</td></tr>`).join("") + "</table>"
    : `<p class="muted">与已保存版本相同 <span class="en">same as the saved file</span></p>`;
}

function renderExamples(examples) {
  const body = $("#live-examples .body");
  if (!examples) { body.innerHTML = `<p class="muted">—</p>`; return; }
  const changed = examples.filter((e) => e.changed);
  body.innerHTML = (changed.length ? changed.map((e) => `<div class="item"><b>${esc(e.example)}</b> <span class="muted">${esc(e.file)}</span><br>
      已保存 <span class="en">saved</span>: ${esc(e.saved)}<br><span class="fail">修改后 <span class="en">edited</span>: ${esc(e.edited)}</span></div>`).join("")
    : `<p class="muted">没有示例台账的结果改变 <span class="en">no example ledger changes its outcome</span></p>`) +
    `<p class="muted">共 ${examples.length} 个示例台账 <span class="en">example ledgers checked</span></p>`;
}

// -- saving, trying a case ---------------------------------------------------------------------------
async function save() {
  const message = $("#save-message");
  try {
    const result = await api("POST", `/api/rulebooks/${encodeURIComponent(state.id)}/save`, {text: text()});
    message.hidden = false;
    if (result.saved) {
      state.saved = text();
      message.className = "message";
      message.innerHTML = `已保存 <span class="en">saved</span> ${esc(result.file)}`;
      refresh();
    } else {
      message.className = "message error";
      message.innerHTML = `未保存：规则集有错误 <span class="en">not saved: the rulebook has errors</span> — ${esc(result.errors[0].rendered)}`;
    }
  } catch (error) {
    message.hidden = false;
    message.className = "message error";
    message.textContent = error.rendered;
  }
}

async function loadSkeleton(id) {
  try { $("#case").value = (await api("GET", `/api/rulebooks/${encodeURIComponent(id)}/skeleton`)).case; } catch (error) { $("#case").value = ""; }
}

async function runCase() {
  const out = $("#case-result");
  const result = await api("POST", `/api/rulebooks/${encodeURIComponent(state.id)}/try`, {text: text(), case: $("#case").value});
  if (result.error) { out.className = "result fail"; out.textContent = result.error.rendered; return; }
  const r = result.result;
  const lines = [`状态 status: ${r.status.state}${r.status.until ? " 至 until " + r.status.until : ""}`];
  for (const d of r.decisions) lines.push(`${d.date} ${d.points} 分 points → ${d.action}${d.months ? " " + d.months + " 个月" : ""}${d.ban_years ? " " + d.ban_years + " 年" : ""}  [${d.articles.join(", ")}]`);
  lines.push("", "依据 trace:");
  for (const s of r.trace || []) lines.push(`  ${s.event ?? ""}\t${s.article || ""}\t${s.detail}`);
  out.className = "result";
  out.textContent = lines.join("\n");
}

async function makeGolden() {
  const message = $("#golden-message");
  message.hidden = false;
  try {
    const result = await api("POST", `/api/rulebooks/${encodeURIComponent(state.id)}/golden`,
                             {case: $("#case").value, name: $("#golden-name").value.trim(), title: $("#golden-title").value});
    message.className = "message";
    message.innerHTML = `已新建 <span class="en">written</span> ${esc(result.file)} — 请手工填写预期结果 <span class="en">fill in the expectations by hand</span>`;
  } catch (error) {
    message.className = "message error";
    message.textContent = error.rendered;
  }
}

function tab(name) {
  for (const button of document.querySelectorAll(".tabs button")) button.classList.toggle("active", button.dataset.tab === name);
  for (const panel of document.querySelectorAll(".tab")) panel.hidden = panel.id !== `tab-${name}`;
}

function route() {
  const match = location.hash.match(/^#rb\/(.+)$/);
  (match ? openRulebook(decodeURIComponent(match[1])) : showList()).catch((error) => {
    document.body.insertAdjacentHTML("afterbegin", `<div class="message error">${esc(error.rendered || error)}</div>`);
  });
}

$("#undo").onclick = () => move(-1);
$("#redo").onclick = () => move(1);
$("#save").onclick = save;
$("#run-case").onclick = () => runCase().catch((e) => { $("#case-result").textContent = e.rendered; });
$("#make-golden").onclick = makeGolden;
$("#raw").addEventListener("input", () => {
  clearTimeout(state.timer);
  state.timer = setTimeout(() => setText($("#raw").value, {fromRaw: true}), 400);
});
for (const button of document.querySelectorAll(".tabs button")) button.onclick = () => tab(button.dataset.tab);
window.addEventListener("hashchange", route);
window.addEventListener("beforeunload", (event) => { if (state.id && text() !== state.saved) event.preventDefault(); });
route();
