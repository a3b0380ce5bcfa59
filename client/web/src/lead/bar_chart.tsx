// A horizontal bar chart of one coefficient per code, in inline SVG (the
// report's chart in the app): the value printed at each bar, the interval as
// a whisker, and the .667 and .800 lines labelled. Colour is not the signal:
// every bar carries its number, and the table beside it the band in words.
import type { Bar } from "./agreement_view";
import { coefficientLabel } from "./agreement_view";
import { paragraphDirection } from "../coder/bidi";
import { t } from "../i18n";

const ROW = 24;
const LABEL = 150;
const PLOT = 470;
const RIGHT = 60;
const TOP = 26;

export function BarChart({ bars, coefficient }: { bars: Bar[]; coefficient: string }) {
  const values = bars.map((b) => b.low ?? b.value ?? 0);
  const min = Math.min(0, ...values);
  const scale = (v: number) => LABEL + ((v - min) / (1 - min)) * PLOT;
  const height = TOP + bars.length * ROW + 24;
  const width = LABEL + PLOT + RIGHT;
  const label = t().agreement.chartLabel(coefficientLabel(coefficient));
  const line = (v: number, text: string) => (
    <g class="chart-line">
      <line x1={scale(v)} x2={scale(v)} y1={TOP - 6} y2={height - 20} stroke="#4a5366"
        stroke-dasharray="4 3" stroke-width="1" />
      <text x={scale(v)} y={TOP - 10} text-anchor="middle" font-size="11" fill="#1d2330">{text}</text>
    </g>
  );
  return (
    <figure class="chart">
      <svg direction="ltr" viewBox={`0 0 ${width} ${height}`} width={width} height={height} role="img"
        aria-label={label} class="bar-chart">
        <title>{label}</title>
        {[0, 0.2, 0.4, 0.6, 0.8, 1].filter((t) => t >= min).map((t) => (
          <g key={t}>
            <line x1={scale(t)} x2={scale(t)} y1={TOP - 4} y2={height - 20} stroke="#e3e6ed" />
            <text x={scale(t)} y={height - 6} text-anchor="middle" font-size="11" fill="#4a5366">
              {t.toFixed(1)}
            </text>
          </g>
        ))}
        {min < 0 && (
          <line x1={scale(0)} x2={scale(0)} y1={TOP - 4} y2={height - 20} stroke="#4a5366" />
        )}
        {bars.map((b, i) => {
          const y = TOP + i * ROW;
          const v = b.value;
          const shade = v === null ? "#c8ccd6" : v >= 0.8 ? "#2f6f4f" : v >= 0.667 ? "#9a7417" : "#a4262c";
          const x0 = scale(Math.max(min, Math.min(0, v ?? 0)));
          const x1 = v === null ? x0 : scale(v);
          return (
            <g key={b.key}>
              {/* A right-to-left name ends at the axis too: its start is its right edge. */}
              <text x={LABEL - 8} y={y + 15} font-size="13"
                direction={paragraphDirection(b.name) === "rtl" ? "rtl" : "ltr"}
                text-anchor={paragraphDirection(b.name) === "rtl" ? "start" : "end"}
                font-weight={b.key === "overall" ? "700" : "400"} fill="#1d2330">
                {b.key === "overall" ? t().agreement.overallBar : b.name.length > 22 ? `${b.name.slice(0, 21)}…` : b.name}
              </text>
              {v !== null && (
                <rect x={Math.min(x0, x1)} y={y + 4} width={Math.max(1, Math.abs(x1 - x0))}
                  height={ROW - 8} fill={shade} />
              )}
              {b.low !== null && b.high !== null && (
                <g stroke="#1d2330" stroke-width="1.2">
                  <line x1={scale(b.low)} x2={scale(b.high)} y1={y + ROW / 2} y2={y + ROW / 2} />
                  <line x1={scale(b.low)} x2={scale(b.low)} y1={y + 6} y2={y + ROW - 6} />
                  <line x1={scale(b.high)} x2={scale(b.high)} y1={y + 6} y2={y + ROW - 6} />
                </g>
              )}
              <text x={v === null ? LABEL + 4 : Math.max(x1, b.high === null ? x1 : scale(b.high)) + 5}
                y={y + 15} font-size="13" fill="#1d2330">{b.text}</text>
            </g>
          );
        })}
        {line(0.667, ".667")}
        {line(0.8, ".800")}
      </svg>
      <figcaption class="muted">
        {t().agreement.chartCaption(coefficientLabel(coefficient), bars.some((b) => b.low !== null))}
      </figcaption>
    </figure>
  );
}
