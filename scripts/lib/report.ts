/**
 * Plain-text building blocks of the demo's report: Markdown tables and an SVG line chart with two y-axes
 * (no dependency, so the report renders anywhere Markdown and SVG do).
 */

/** A Markdown table; cells are printed as given. Right-aligns columns whose header is in `numeric`. */
export function markdownTable(
  headers: string[],
  rows: (string | number)[][],
  numeric: string[] = [],
): string {
  const align = headers.map((h) => (numeric.includes(h) ? "---:" : "---"));
  const line = (cells: (string | number)[]) => `| ${cells.map((c) => String(c)).join(" | ")} |`;
  return [line(headers), line(align), ...rows.map(line)].join("\n") + "\n";
}

export interface Series {
  label: string;
  color: string;
  values: number[];
  /** Formats an axis tick of this series. */
  format: (v: number) => string;
}

function ticks(min: number, max: number, count: number): number[] {
  if (max === min) return [min];
  return Array.from({ length: count }, (_, i) => min + ((max - min) * i) / (count - 1));
}

function bounds(values: number[]): [number, number] {
  let min = Math.min(...values);
  let max = Math.max(...values);
  if (min === max) {
    const pad = Math.abs(min) * 0.001 || 1;
    min -= pad;
    max += pad;
  }
  const pad = (max - min) * 0.05;
  return [min - pad, max + pad];
}

/**
 * An SVG chart of two series over the same x labels: the left axis for `left`, the right axis for `right`.
 */
export function dualAxisChart(title: string, xLabels: string[], left: Series, right: Series): string {
  const width = 860;
  const height = 420;
  const m = { top: 48, right: 110, bottom: 70, left: 110 };
  const w = width - m.left - m.right;
  const h = height - m.top - m.bottom;
  const n = xLabels.length;
  const x = (i: number) => m.left + (n <= 1 ? w / 2 : (w * i) / (n - 1));
  const scale = (s: Series) => {
    const [lo, hi] = bounds(s.values);
    return { lo, hi, y: (v: number) => m.top + h - ((v - lo) / (hi - lo)) * h };
  };
  const L = scale(left);
  const R = scale(right);
  const path = (s: Series, y: (v: number) => number) =>
    s.values.map((v, i) => `${i === 0 ? "M" : "L"}${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(" ");
  const esc = (t: string) => t.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${width / 2}" y="24" text-anchor="middle" font-size="16" font-weight="bold">${esc(title)}</text>`,
  );
  // Grid and left axis ticks.
  for (const t of ticks(L.lo, L.hi, 6)) {
    const y = L.y(t).toFixed(1);
    parts.push(
      `<line x1="${m.left}" y1="${y}" x2="${m.left + w}" y2="${y}" stroke="#e5e5e5"/>`,
      `<text x="${m.left - 8}" y="${y}" text-anchor="end" dominant-baseline="middle" fill="${left.color}">${esc(left.format(t))}</text>`,
    );
  }
  for (const t of ticks(R.lo, R.hi, 6)) {
    const y = R.y(t).toFixed(1);
    parts.push(
      `<text x="${m.left + w + 8}" y="${y}" dominant-baseline="middle" fill="${right.color}">${esc(right.format(t))}</text>`,
    );
  }
  // X labels (at most ~10).
  const every = Math.max(1, Math.ceil(n / 10));
  xLabels.forEach((label, i) => {
    if (i % every !== 0 && i !== n - 1) return;
    parts.push(
      `<text x="${x(i).toFixed(1)}" y="${m.top + h + 18}" text-anchor="middle" fill="#444">${esc(label)}</text>`,
    );
  });
  parts.push(
    `<rect x="${m.left}" y="${m.top}" width="${w}" height="${h}" fill="none" stroke="#999"/>`,
    `<path d="${path(left, L.y)}" fill="none" stroke="${left.color}" stroke-width="2.5"/>`,
    `<path d="${path(right, R.y)}" fill="none" stroke="${right.color}" stroke-width="2.5" stroke-dasharray="6 4"/>`,
    `<text x="${m.left}" y="${height - 18}" fill="${left.color}">&#9473; ${esc(left.label)} (left axis)</text>`,
    `<text x="${m.left + w}" y="${height - 18}" text-anchor="end" fill="${right.color}">&#9476; ${esc(right.label)} (right axis)</text>`,
    "</svg>",
  );
  return parts.join("\n") + "\n";
}
