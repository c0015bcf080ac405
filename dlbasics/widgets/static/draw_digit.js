// Draw-a-digit canvas (dlbasics.widgets.draw_digit): the strokes live here, the kernel
// prepares them like an MNIST digit, runs the network and sends back `seen` (28 x 28 uint8)
// and `probs` (ten floats), which this module paints. Pointer events: mouse, touch and pen.

const SIZE = 280; // CSS pixels of the drawing canvas
const SEND_MS = 40; // at most 25 updates a second go to the kernel while drawing
const MIN_STEP = 0.004; // a new point only after the pen moved this far (fraction of the side)
const BAR = "#0072B2"; // dlbasics.viz.PALETTE[0]
const TOP = "#E69F00"; // PALETTE[1]: the most probable class

function el_(tag, cls, attrs = {}) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  return node;
}

function buildChart(n) {
  const chart = el_("div", "draw-digit-chart", { role: "group", "aria-label": "class probabilities" });
  const ylabel = el_("div", "draw-digit-ylabel");
  ylabel.textContent = "probability";
  const ticks = el_("div", "draw-digit-yticks");
  for (const v of [1, 0.5, 0]) {
    const tick = ticks.appendChild(el_("span"));
    tick.textContent = String(v);
    tick.style.top = `${100 * (1 - v)}%`;
  }
  const plot = el_("div", "draw-digit-bars");
  const bars = [];
  for (let c = 0; c < n; c++) {
    const col = el_("div", "draw-digit-col");
    const track = el_("div", "draw-digit-track");
    const fill = el_("div", "draw-digit-fill");
    track.appendChild(fill);
    const label = el_("div", "draw-digit-xtick");
    label.textContent = String(c);
    col.append(track, label);
    plot.appendChild(col);
    bars.push({ col, fill });
  }
  const xlabel = el_("div", "draw-digit-xlabel");
  xlabel.textContent = "digit class";
  const body = el_("div", "draw-digit-chart-body");
  body.append(ticks, plot);
  const legend = el_("div", "draw-digit-legend");
  legend.append(el_("span", "draw-digit-swatch"), "most probable class");
  const right = el_("div", "draw-digit-chart-right");
  right.append(body, xlabel, legend);
  chart.append(ylabel, right);
  return { chart, bars };
}

function render({ model, el }) {
  el.classList.add("dlbasics-widget", "draw-digit");
  const dpr = window.devicePixelRatio || 1;

  // -- left: the drawing canvas and the clear button --------------------------------------
  const pad = el_("div", "draw-digit-pad");
  const canvas = el_("canvas", "draw-digit-canvas", {
    role: "img", tabindex: "0",
    "aria-label": "Drawing area: draw one digit from 0 to 9 with the mouse, a finger or a pen. Delete clears it.",
  });
  canvas.width = canvas.height = Math.round(SIZE * dpr);
  canvas.style.width = canvas.style.height = `${SIZE}px`;
  const ctx = canvas.getContext("2d");
  ctx.scale(dpr, dpr);
  const clear = el_("button", "draw-digit-clear", { type: "button", "aria-label": "clear the drawing" });
  clear.textContent = "clear";
  const tools = el_("div", "draw-digit-tools");
  const hint = el_("span", "draw-digit-hint");
  hint.textContent = "Draw with the mouse, a finger or a pen.";
  tools.append(clear, hint);
  pad.append(canvas, tools);

  // -- right: what the network sees and its probabilities (class dlbasics-plot) ------------
  const result = el_("div", "draw-digit-result dlbasics-plot");
  const answer = el_("div", "draw-digit-answer", { "aria-live": "polite" });
  const seenFig = el_("figure", "draw-digit-seen-fig");
  const seen = el_("canvas", "draw-digit-seen", { role: "img", "aria-label": "the 28 by 28 image the network sees" });
  seen.width = seen.height = 28;
  const caption = el_("figcaption");
  caption.textContent = "what the network sees (28 × 28)";
  seenFig.append(seen, caption);
  const { chart, bars } = buildChart(10);
  const panels = el_("div", "draw-digit-panels");
  panels.append(seenFig, chart);
  result.append(answer, panels);
  el.append(pad, result);

  // -- strokes: local copy, drawn at once, sent to the kernel at most every SEND_MS --------
  let strokes = (model.get("strokes") || []).map((s) => s.slice());
  let drawing = null; // the stroke under the pen
  let lastSend = 0;
  let timer = null;

  const setPen = () => {
    ctx.lineWidth = model.get("pen") * SIZE;
    ctx.lineCap = ctx.lineJoin = "round";
    ctx.strokeStyle = ctx.fillStyle = "#000";
  };
  const dot = (x, y) => {
    ctx.beginPath();
    ctx.arc(x * SIZE, y * SIZE, ctx.lineWidth / 2, 0, 2 * Math.PI);
    ctx.fill();
  };
  const segment = (x0, y0, x1, y1) => {
    ctx.beginPath();
    ctx.moveTo(x0 * SIZE, y0 * SIZE);
    ctx.lineTo(x1 * SIZE, y1 * SIZE);
    ctx.stroke();
  };
  const redrawAll = () => {
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, SIZE, SIZE);
    setPen();
    for (const s of strokes) {
      if (s.length >= 2) dot(s[0], s[1]);
      for (let i = 2; i + 1 < s.length; i += 2) segment(s[i - 2], s[i - 1], s[i], s[i + 1]);
    }
  };
  const send = () => {
    clearTimeout(timer);
    timer = null;
    lastSend = performance.now();
    model.set("strokes", strokes.map((s) => s.slice()));
    model.save_changes();
  };
  const sendSoon = () => {
    if (timer !== null) return;
    timer = setTimeout(send, Math.max(0, SEND_MS - (performance.now() - lastSend)));
  };
  const point = (e) => {
    const r = canvas.getBoundingClientRect();
    const clamp = (v) => Math.round(Math.min(1, Math.max(0, v)) * 1e4) / 1e4;
    return [clamp((e.clientX - r.left) / r.width), clamp((e.clientY - r.top) / r.height)];
  };

  const onDown = (e) => {
    if (e.pointerType === "mouse" && e.button !== 0) return;
    e.preventDefault();
    try {
      canvas.setPointerCapture(e.pointerId); // keep the stroke when the pen leaves the box
    } catch (err) {
      /* a pointer the browser does not track (e.g. a synthetic event): draw without capture */
    }
    const [x, y] = point(e);
    drawing = [x, y];
    strokes.push(drawing);
    setPen();
    dot(x, y);
    sendSoon();
  };
  const onMove = (e) => {
    if (!drawing) return;
    e.preventDefault();
    const events = e.getCoalescedEvents ? e.getCoalescedEvents() : [e];
    for (const ev of events.length ? events : [e]) {
      const [x, y] = point(ev);
      const n = drawing.length;
      const [px, py] = [drawing[n - 2], drawing[n - 1]];
      if (Math.hypot(x - px, y - py) < MIN_STEP) continue;
      drawing.push(x, y);
      segment(px, py, x, y);
    }
    sendSoon();
  };
  const onUp = () => {
    if (!drawing) return;
    drawing = null;
    send();
  };
  const onClear = () => {
    drawing = null;
    strokes = [];
    redrawAll();
    send();
  };
  const onKey = (e) => {
    if (e.key === "Delete" || e.key === "Backspace" || e.key === "Escape") {
      e.preventDefault();
      onClear();
    }
  };
  canvas.addEventListener("pointerdown", onDown);
  canvas.addEventListener("pointermove", onMove);
  canvas.addEventListener("pointerup", onUp);
  canvas.addEventListener("pointercancel", onUp);
  canvas.addEventListener("keydown", onKey);
  clear.addEventListener("click", onClear);

  // -- what the kernel sends back -----------------------------------------------------------
  const seenCtx = seen.getContext("2d");
  const paintSeen = () => {
    const v = model.get("seen");
    const px = v instanceof DataView ? new Uint8Array(v.buffer, v.byteOffset, v.byteLength)
      : new Uint8Array(v.buffer ?? v);
    const img = seenCtx.createImageData(28, 28);
    for (let i = 0; i < 784; i++) {
      const g = 255 - (px[i] ?? 0); // ink dark on white, like the course's other digit pictures
      img.data.set([g, g, g, 255], 4 * i);
    }
    seenCtx.putImageData(img, 0, 0);
  };
  const paintProbs = () => {
    const p = model.get("probs") || [];
    const top = p.length ? p.indexOf(Math.max(...p)) : -1;
    bars.forEach(({ col, fill }, c) => {
      const v = p[c] ?? 0;
      fill.style.height = `${(100 * v).toFixed(1)}%`;
      fill.style.background = c === top ? TOP : BAR;
      col.setAttribute("aria-label", `${c}: ${(100 * v).toFixed(0)} %`);
    });
    answer.textContent = model.get("message");
    answer.dataset.digit = top >= 0 ? String(top) : "";
  };
  const onStrokes = () => {
    if (drawing) return; // our own stroke is newer than what the kernel has
    strokes = (model.get("strokes") || []).map((s) => s.slice());
    redrawAll();
  };
  model.on("change:seen", paintSeen);
  model.on("change:probs", paintProbs);
  model.on("change:message", paintProbs);
  model.on("change:strokes", onStrokes);
  model.on("change:pen", redrawAll);
  redrawAll();
  paintSeen();
  paintProbs();

  return () => {
    clearTimeout(timer);
    model.off("change:seen", paintSeen);
    model.off("change:probs", paintProbs);
    model.off("change:message", paintProbs);
    model.off("change:strokes", onStrokes);
    model.off("change:pen", redrawAll);
  };
}

export default { render };
