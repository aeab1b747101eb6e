/**
 * A bar chart (SVG, no dependencies) of each operation's R, one bar per concurrency, with the target line at
 * R = 0.8: the picture that says at a glance which operation keeps up with the no-op and which does not.
 */
export interface RatioBar {
  readonly operation: string;
  readonly concurrency: number;
  readonly ratio: number;
}

const WIDTH = 760;
const BAR_HEIGHT = 14;
const GAP = 10;
const LABEL_WIDTH = 290;
const PLOT_WIDTH = WIDTH - LABEL_WIDTH - 60;
const MAX_RATIO = 1.2;
const COLOURS = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759'];

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${String(c.charCodeAt(0))};`);
}

export function ratioChartSvg(title: string, bars: readonly RatioBar[], target = 0.8): string {
  const operations = [...new Set(bars.map((b) => b.operation))];
  const concurrencies = [...new Set(bars.map((b) => b.concurrency))].sort((a, b) => a - b);
  const groupHeight = concurrencies.length * BAR_HEIGHT + GAP;
  const top = 50;
  const height = top + operations.length * groupHeight + 50;
  const x = (ratio: number): number => LABEL_WIDTH + (Math.min(ratio, MAX_RATIO) / MAX_RATIO) * PLOT_WIDTH;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${String(WIDTH)}" height="${String(height)}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="10" y="22" font-size="14" font-weight="bold">${escapeXml(title)}</text>`,
  ];
  operations.forEach((operation, i) => {
    const y0 = top + i * groupHeight;
    parts.push(
      `<text x="10" y="${String(y0 + (concurrencies.length * BAR_HEIGHT) / 2 + 4)}">${escapeXml(operation)}</text>`,
    );
    concurrencies.forEach((c, j) => {
      const bar = bars.find((b) => b.operation === operation && b.concurrency === c);
      if (bar === undefined) return;
      const y = y0 + j * BAR_HEIGHT;
      const colour = COLOURS[j % COLOURS.length] ?? '#999';
      parts.push(
        `<rect x="${String(LABEL_WIDTH)}" y="${String(y)}" width="${(x(bar.ratio) - LABEL_WIDTH).toFixed(1)}" height="${String(BAR_HEIGHT - 2)}" fill="${colour}"/>`,
        `<text x="${(x(bar.ratio) + 4).toFixed(1)}" y="${String(y + BAR_HEIGHT - 4)}">${bar.ratio.toFixed(2)}</text>`,
      );
    });
  });
  const bottom = top + operations.length * groupHeight;
  parts.push(
    `<line x1="${x(target).toFixed(1)}" y1="${String(top - 8)}" x2="${x(target).toFixed(1)}" y2="${String(bottom)}" stroke="#c00" stroke-dasharray="4 3"/>`,
    `<text x="${(x(target) + 3).toFixed(1)}" y="${String(top - 12)}" fill="#c00">target R = ${target.toFixed(1)}</text>`,
    `<line x1="${String(LABEL_WIDTH)}" y1="${String(bottom)}" x2="${String(LABEL_WIDTH + PLOT_WIDTH)}" y2="${String(bottom)}" stroke="#333"/>`,
  );
  for (let r = 0; r <= MAX_RATIO + 1e-9; r += 0.2) {
    parts.push(`<text x="${x(r).toFixed(1)}" y="${String(bottom + 16)}" text-anchor="middle">${r.toFixed(1)}</text>`);
  }
  concurrencies.forEach((c, j) => {
    const lx = LABEL_WIDTH + j * 120;
    parts.push(
      `<rect x="${String(lx)}" y="${String(bottom + 26)}" width="12" height="12" fill="${COLOURS[j % COLOURS.length] ?? '#999'}"/>`,
      `<text x="${String(lx + 16)}" y="${String(bottom + 36)}">${String(c)} concurrent</text>`,
    );
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
