/** Axis arithmetic: "nice" tick steps (1, 2, 2.5, 5 × 10^k) and compact tick labels. */

export interface LinearScale {
  min: number;
  max: number;
  ticks: number[];
  /** Maps a data value to a pixel coordinate between `from` and `to`. */
  toPixel(value: number, from: number, to: number): number;
}

function niceStep(roughStep: number): number {
  const power = 10 ** Math.floor(Math.log10(roughStep));
  const fraction = roughStep / power;
  const niceFraction = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 2.5 ? 2.5 : fraction <= 5 ? 5 : 10;
  return niceFraction * power;
}

/** Builds a scale covering [dataMin, dataMax] with about `targetTicks` ticks; `includeZero` for bar charts. */
export function linearScale(dataMin: number, dataMax: number, includeZero: boolean, targetTicks = 6): LinearScale {
  let low = includeZero ? Math.min(0, dataMin) : dataMin;
  let high = includeZero ? Math.max(0, dataMax) : dataMax;
  if (low === high) {
    // A flat series still needs a visible range around it.
    const pad = Math.abs(low) > 0 ? Math.abs(low) * 0.1 : 1;
    low -= includeZero && low === 0 ? 0 : pad;
    high += pad;
  }
  const step = niceStep((high - low) / Math.max(1, targetTicks - 1));
  const min = Math.floor(low / step) * step;
  const max = Math.ceil(high / step) * step;
  const ticks: number[] = [];
  for (let tick = min; tick <= max + step / 2; tick += step) ticks.push(Number(tick.toPrecision(12)));
  return {
    min,
    max,
    ticks,
    toPixel: (value, from, to) => from + ((value - min) / (max - min)) * (to - from),
  };
}

/** 1234 → "1.2k", 2500000 → "2.5M", 0.25 → "0.25". */
export function formatCompact(value: number): string {
  const abs = Math.abs(value);
  const units: [number, string][] = [
    [1e12, 'T'],
    [1e9, 'B'],
    [1e6, 'M'],
    [1e3, 'k'],
  ];
  for (const [size, suffix] of units) {
    if (abs >= size) return `${trimNumber(value / size)}${suffix}`;
  }
  return trimNumber(value);
}

function trimNumber(value: number): string {
  return String(Number(value.toPrecision(3)));
}
