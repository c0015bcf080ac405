// The course's drawing surface: paints a scene the kernel sends (see dlbasics/widgets/_canvas.py).
//
// model "scene":  {width, height, panels: [{rect, xlim, ylim, title, xlabel, ylabel, axes, xticks,
//                  yticks, layers: [...], legend: [...], legend_loc, hotspots: [[x0, y0, x1, y1, id]]}]}
// model "pixels": the RGBA bytes of every image layer, one after another; an image layer names its
//                 slice as src: [offset, width, height] (row 0 is the top row).
// model "hover" / "clicked": the id of the hotspot under the mouse / last clicked (also chosen with
//                 the arrow keys and Enter when the canvas has the keyboard focus).

const FONT = "12px system-ui, -apple-system, 'Segoe UI', sans-serif";
const SMALL = "11px system-ui, -apple-system, 'Segoe UI', sans-serif";

function bytesOf(value) {
  if (!value) return new Uint8ClampedArray(0);
  if (value instanceof DataView) return new Uint8ClampedArray(value.buffer, value.byteOffset, value.byteLength);
  if (value instanceof ArrayBuffer) return new Uint8ClampedArray(value);
  if (ArrayBuffer.isView(value)) return new Uint8ClampedArray(value.buffer, value.byteOffset, value.byteLength);
  return new Uint8ClampedArray(0);
}

function niceTicks(lo, hi, n = 5) {
  const span = hi - lo;
  if (!(span > 0) || !isFinite(span)) return { ticks: [lo], step: 1 };
  const raw = span / n;
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => span / s <= n + 0.5) || 10 * mag;
  const ticks = [];
  for (let t = Math.ceil(lo / step - 1e-9) * step; t <= hi + step * 1e-9; t += step) ticks.push(t);
  return { ticks, step };
}

function fmt(value, step) {
  const digits = Math.max(0, Math.min(6, -Math.floor(Math.log10(step) + 1e-9)));
  const v = Math.abs(value) < step * 1e-6 ? 0 : value;
  return v.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function transform(panel) {
  const [px, py, pw, ph] = panel.rect;
  const [x0, x1] = panel.xlim;
  const [y0, y1] = panel.ylim;
  return {
    X: (x) => px + ((x - x0) / (x1 - x0)) * pw,
    Y: (y) => py + ph - ((y - y0) / (y1 - y0)) * ph,
    inv: (cx, cy) => [x0 + ((cx - px) / pw) * (x1 - x0), y0 + ((py + ph - cy) / ph) * (y1 - y0)],
  };
}

function pick(layer, key, i, fallback) {
  const many = layer[key + "s"];
  if (many && many.length) return many[i % many.length];
  return layer[key] ?? fallback;
}

function drawImage(ctx, t, layer, pixels) {
  const [offset, w, h] = layer.src;
  if (!w || !h || offset + 4 * w * h > pixels.length) return;
  const off = document.createElement("canvas");
  off.width = w;
  off.height = h;
  off.getContext("2d").putImageData(new ImageData(pixels.slice(offset, offset + 4 * w * h), w, h), 0, 0);
  const [x0, x1, y0, y1] = layer.extent;
  ctx.imageSmoothingEnabled = !!layer.smooth;
  ctx.drawImage(off, t.X(x0), t.Y(y1), t.X(x1) - t.X(x0), t.Y(y0) - t.Y(y1));
}

function strokePath(ctx, layer, draw) {
  if (layer.halo) {
    ctx.strokeStyle = layer.halo;
    ctx.lineWidth = (layer.width ?? 1.5) + 3;
    draw();
  }
  ctx.strokeStyle = layer.color ?? "#000";
  ctx.lineWidth = layer.width ?? 1.5;
  draw();
}

function drawLine(ctx, t, layer) {
  const xs = layer.x, ys = layer.y;
  if (!xs || xs.length < 2) return;
  ctx.setLineDash(layer.dash || []);
  strokePath(ctx, layer, () => {
    ctx.beginPath();
    let pen = false;
    for (let i = 0; i < xs.length; i++) {
      if (ys[i] === null || !isFinite(ys[i])) { pen = false; continue; }
      if (pen) ctx.lineTo(t.X(xs[i]), t.Y(ys[i]));
      else ctx.moveTo(t.X(xs[i]), t.Y(ys[i]));
      pen = true;
    }
    ctx.stroke();
  });
  ctx.setLineDash([]);
}

function drawSegments(ctx, t, layer) {
  ctx.setLineDash(layer.dash || []);
  const xy = layer.xy || [];  // flat: x0, y0, x1, y1 of each segment
  for (let i = 0; 4 * i + 3 < xy.length; i++) {
    ctx.strokeStyle = pick(layer, "color", i, "#000");
    ctx.lineWidth = pick(layer, "width", i, 1.5);
    ctx.beginPath();
    ctx.moveTo(t.X(xy[4 * i]), t.Y(xy[4 * i + 1]));
    ctx.lineTo(t.X(xy[4 * i + 2]), t.Y(xy[4 * i + 3]));
    ctx.stroke();
  }
  ctx.setLineDash([]);
}

function marker(ctx, kind, cx, cy, r) {
  ctx.beginPath();
  if (kind === "s") ctx.rect(cx - r, cy - r, 2 * r, 2 * r);
  else if (kind === "x") {
    ctx.moveTo(cx - r, cy - r); ctx.lineTo(cx + r, cy + r);
    ctx.moveTo(cx + r, cy - r); ctx.lineTo(cx - r, cy + r);
  } else ctx.arc(cx, cy, r, 0, 2 * Math.PI);
}

function drawPoints(ctx, t, layer) {
  const r = (layer.size ?? 6) / 2;
  const kind = layer.marker || "o";
  (layer.x || []).forEach((x, i) => {
    const cx = t.X(x), cy = t.Y(layer.y[i]);
    const colour = pick(layer, "color", i, "#000");
    if (kind === "x") {
      marker(ctx, kind, cx, cy, r);
      ctx.lineCap = "round";
      if (layer.edge) { ctx.strokeStyle = layer.edge; ctx.lineWidth = 5; ctx.stroke(); }
      ctx.strokeStyle = colour; ctx.lineWidth = 2.5; ctx.stroke();
      ctx.lineCap = "butt";
      return;
    }
    marker(ctx, kind, cx, cy, r);
    ctx.fillStyle = colour;
    ctx.fill();
    if (layer.edge) { ctx.strokeStyle = layer.edge; ctx.lineWidth = 1; ctx.stroke(); }
  });
}

function drawText(ctx, t, layer) {
  ctx.font = `${layer.bold ? "bold " : ""}${layer.size ?? 11}px system-ui, sans-serif`;
  ctx.textAlign = layer.align || "left";
  ctx.textBaseline = layer.baseline || "middle";
  const x = t.X(layer.x) + (layer.dx || 0), y = t.Y(layer.y) + (layer.dy || 0);
  if (layer.bg) {
    const m = ctx.measureText(layer.text);
    const w = m.width + 6, h = (layer.size ?? 11) + 4;
    const left = ctx.textAlign === "center" ? x - w / 2 : ctx.textAlign === "right" ? x - w + 3 : x - 3;
    ctx.fillStyle = layer.bg;
    ctx.fillRect(left, y - h / 2, w, h);
  }
  ctx.fillStyle = layer.color || "#000";
  ctx.fillText(layer.text, x, y);
}

function drawArrow(ctx, t, layer) {
  const ax = t.X(layer.x0), ay = t.Y(layer.y0), bx = t.X(layer.x1), by = t.Y(layer.y1);
  const angle = Math.atan2(by - ay, bx - ax), head = 10;
  const path = () => {
    ctx.beginPath();
    ctx.moveTo(ax, ay); ctx.lineTo(bx, by);
    ctx.moveTo(bx - head * Math.cos(angle - 0.45), by - head * Math.sin(angle - 0.45));
    ctx.lineTo(bx, by);
    ctx.lineTo(bx - head * Math.cos(angle + 0.45), by - head * Math.sin(angle + 0.45));
    ctx.stroke();
  };
  strokePath(ctx, layer, path);
}

function drawRect(ctx, t, layer) {
  const x = t.X(layer.x0), y = t.Y(layer.y1), w = t.X(layer.x1) - x, h = t.Y(layer.y0) - y;
  if (layer.fill) { ctx.fillStyle = layer.fill; ctx.fillRect(x, y, w, h); }
  if (layer.stroke) { ctx.strokeStyle = layer.stroke; ctx.lineWidth = layer.width ?? 1; ctx.strokeRect(x, y, w, h); }
}

const PAINT = { image: drawImage, line: drawLine, segments: drawSegments, points: drawPoints,
  text: drawText, arrow: drawArrow, rect: drawRect };

function drawAxes(ctx, panel) {
  const [px, py, pw, ph] = panel.rect;
  const t = transform(panel);
  ctx.strokeStyle = "#333";
  ctx.lineWidth = 1;
  ctx.strokeRect(px + 0.5, py + 0.5, pw, ph);
  ctx.fillStyle = "#222";
  ctx.font = SMALL;
  if (panel.xticks !== false) {
    const { ticks, step } = niceTicks(panel.xlim[0], panel.xlim[1], Math.max(2, Math.floor(pw / 70)));
    ctx.textAlign = "center"; ctx.textBaseline = "top";
    ticks.forEach((v) => {
      const x = t.X(v);
      ctx.beginPath(); ctx.moveTo(x, py + ph); ctx.lineTo(x, py + ph + 4); ctx.stroke();
      ctx.fillText(fmt(v, step), x, py + ph + 6);
    });
  }
  let labelWidth = 0;  // widest y tick label: the axis label goes beyond it
  if (panel.yticks !== false) {
    const { ticks, step } = niceTicks(panel.ylim[0], panel.ylim[1], Math.max(2, Math.floor(ph / 45)));
    const right = panel.yaxis === "right";
    ctx.textAlign = right ? "left" : "right"; ctx.textBaseline = "middle";
    ticks.forEach((v) => {
      const y = t.Y(v), edge = right ? px + pw : px, text = fmt(v, step);
      ctx.beginPath(); ctx.moveTo(edge, y); ctx.lineTo(edge + (right ? 4 : -4), y); ctx.stroke();
      ctx.fillText(text, edge + (right ? 6 : -6), y);
      labelWidth = Math.max(labelWidth, ctx.measureText(text).width);
    });
  }
  ctx.font = FONT;
  if (panel.xlabel) {
    ctx.textAlign = "center"; ctx.textBaseline = "bottom";
    ctx.fillText(panel.xlabel, px + pw / 2, py + ph + 36);
  }
  if (panel.ylabel) {
    ctx.save();
    const right = panel.yaxis === "right";
    ctx.translate(right ? px + pw + labelWidth + 12 : px - labelWidth - 10, py + ph / 2);
    ctx.rotate(right ? Math.PI / 2 : -Math.PI / 2);
    ctx.textAlign = "center"; ctx.textBaseline = "bottom";
    ctx.fillText(panel.ylabel, 0, 0);
    ctx.restore();
  }
}

function drawLegend(ctx, panel) {
  const items = panel.legend || [];
  if (!items.length) return;
  const [px, py, pw, ph] = panel.rect;
  ctx.font = SMALL;
  const w = 30 + Math.max(...items.map((it) => ctx.measureText(it.label).width));
  const h = 16 * items.length + 6;
  const loc = panel.legend_loc || "ul";
  const lx = loc.endsWith("r") ? px + pw - w - 6 : px + 6;
  const ly = loc.startsWith("l") ? py + ph - h - 6 : py + 6;
  ctx.fillStyle = "rgba(255,255,255,0.85)";
  ctx.fillRect(lx, ly, w, h);
  ctx.strokeStyle = "#bbb"; ctx.lineWidth = 1;
  ctx.strokeRect(lx + 0.5, ly + 0.5, w, h);
  items.forEach((it, i) => {
    const y = ly + 11 + 16 * i;
    ctx.strokeStyle = it.color; ctx.fillStyle = it.color;
    if (it.kind === "point") {
      marker(ctx, it.marker || "o", lx + 14, y, 4);
      if (it.marker === "x") { ctx.lineWidth = 2; ctx.stroke(); } else ctx.fill();
    }
    else {
      ctx.setLineDash(it.kind === "dash" ? [5, 3] : []);
      ctx.lineWidth = 2;
      ctx.beginPath(); ctx.moveTo(lx + 5, y); ctx.lineTo(lx + 23, y); ctx.stroke();
      ctx.setLineDash([]);
    }
    ctx.fillStyle = "#222"; ctx.textAlign = "left"; ctx.textBaseline = "middle";
    ctx.fillText(it.label, lx + 28, y);
  });
}

function paint(canvas, scene, pixels) {
  const dpr = window.devicePixelRatio || 1;
  const W = scene.width || 400, H = scene.height || 300;
  if (canvas.width !== Math.round(W * dpr) || canvas.height !== Math.round(H * dpr)) {
    canvas.width = Math.round(W * dpr);
    canvas.height = Math.round(H * dpr);
    canvas.style.width = `${W}px`;
    canvas.style.height = `${H}px`;
  }
  const ctx = canvas.getContext("2d");
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, W, H);
  for (const panel of scene.panels || []) {
    const t = transform(panel);
    const [px, py, pw, ph] = panel.rect;
    ctx.save();
    ctx.beginPath(); ctx.rect(px, py, pw, ph); ctx.clip();
    for (const layer of panel.layers || []) {
      const draw = PAINT[layer.type];
      if (draw) draw(ctx, t, layer, pixels);
    }
    ctx.restore();
    if (panel.axes !== false) drawAxes(ctx, panel);
    drawLegend(ctx, panel);
    if (panel.title) {
      ctx.font = FONT; ctx.fillStyle = "#111"; ctx.textAlign = "center"; ctx.textBaseline = "bottom";
      ctx.fillText(panel.title, px + pw / 2, py - 5);
    }
  }
}

function hotspotAt(scene, cx, cy) {
  for (const panel of scene.panels || []) {
    const spots = panel.hotspots || [];
    if (!spots.length) continue;
    const [x, y] = transform(panel).inv(cx, cy);
    for (const s of spots) {
      if (x >= Math.min(s[0], s[2]) && x <= Math.max(s[0], s[2]) && y >= Math.min(s[1], s[3])
          && y <= Math.max(s[1], s[3])) return s[4];
    }
  }
  return "";
}

function allHotspots(scene) {
  return (scene.panels || []).flatMap((p) => (p.hotspots || []).map((s) => s[4]));
}

function render({ model, el }) {
  const canvas = document.createElement("canvas");
  canvas.className = "dlbasics-canvas";
  canvas.tabIndex = 0;
  canvas.setAttribute("role", "img");
  el.classList.add("dlbasics-plot");
  el.appendChild(canvas);
  let queued = false;
  const redraw = () => {
    canvas.setAttribute("aria-label", model.get("label") || "plot");
    if (queued) return;
    queued = true;
    // one paint per message (scene and pixels change together), as soon as it has arrived:
    // a microtask, not the next animation frame, which would add up to 16 ms
    queueMicrotask(() => {
      queued = false;
      paint(canvas, model.get("scene") || {}, bytesOf(model.get("pixels")));
    });
  };
  const setHover = (id) => {
    if (id !== model.get("hover")) { model.set("hover", id); model.save_changes(); }
  };
  canvas.addEventListener("mousemove", (e) => {
    const box = canvas.getBoundingClientRect();
    setHover(hotspotAt(model.get("scene") || {}, e.clientX - box.left, e.clientY - box.top));
  });
  canvas.addEventListener("mouseleave", () => setHover(""));
  canvas.addEventListener("click", (e) => {
    const box = canvas.getBoundingClientRect();
    const id = hotspotAt(model.get("scene") || {}, e.clientX - box.left, e.clientY - box.top);
    model.set("clicked", id === model.get("clicked") ? "" : id);
    model.save_changes();
  });
  canvas.addEventListener("keydown", (e) => {
    const ids = allHotspots(model.get("scene") || {});
    if (!ids.length) return;
    const at = ids.indexOf(model.get("hover"));
    if (e.key === "ArrowRight" || e.key === "ArrowDown") setHover(ids[(at + 1) % ids.length]);
    else if (e.key === "ArrowLeft" || e.key === "ArrowUp") setHover(ids[(at - 1 + ids.length) % ids.length]);
    else if (e.key === "Enter" || e.key === " ") {
      model.set("clicked", model.get("hover") === model.get("clicked") ? "" : model.get("hover"));
      model.save_changes();
    } else if (e.key === "Escape") setHover("");
    else return;
    e.preventDefault();
  });
  model.on("change:scene", redraw);
  model.on("change:pixels", redraw);
  model.on("change:label", redraw);
  redraw();
}

export default { render };
