"use client";

import type { ECharts, EChartsCoreOption } from "echarts/core";
import { useEffect, useRef, useState } from "react";
import { echarts } from "./echarts-setup";

export interface EChartClick {
  readonly seriesId?: string;
  readonly seriesIndex?: number;
  readonly dataIndex: number;
  readonly data: unknown;
}

export interface EChartProps {
  readonly option: EChartsCoreOption;
  readonly height: number;
  /** Shown to screen readers and tests: what the chart shows. */
  readonly label: string;
  readonly testId?: string;
  readonly onPointClick?: (click: EChartClick) => void;
  /** Extra attributes for tests and assistive tech (counts of what is drawn, say). */
  readonly dataAttributes?: Record<`data-${string}`, string | number>;
}

/** One ECharts instance bound to a div: created once, updated in place, resized with its box. */
export function EChart({ option, height, label, testId, onPointClick, dataAttributes }: EChartProps) {
  const element = useRef<HTMLDivElement>(null);
  const chart = useRef<ECharts | null>(null);
  // Set once the chart is drawn in the browser (not in server HTML): tests and benchmarks wait on it.
  const [drawn, setDrawn] = useState(false);
  const drawnOnce = useRef(false);
  const clickHandler = useRef(onPointClick);
  clickHandler.current = onPointClick;

  useEffect(() => {
    if (element.current === null) return;
    const box = element.current;
    const instance = echarts.init(box, undefined, { renderer: "canvas" });
    chart.current = instance;
    instance.on("click", (params) => {
      const event = params as unknown as EChartClick;
      clickHandler.current?.(event);
    });
    // Only a real change of size redraws: the observer also reports the box once as soon as it starts
    // observing, and a resize() then drew a 200-series chart a second time on every page load.
    let drawnAt = { width: box.clientWidth, height: box.clientHeight };
    const observer = new ResizeObserver(() => {
      const now = { width: box.clientWidth, height: box.clientHeight };
      if (now.width === drawnAt.width && now.height === drawnAt.height) return;
      drawnAt = now;
      instance.resize();
    });
    observer.observe(box);
    return () => {
      observer.disconnect();
      instance.dispose();
      // A new instance (React's strict mode mounts twice in development) draws its first option at once.
      drawnOnce.current = false;
      chart.current = null;
    };
  }, []);

  const name = testId ?? label;
  useEffect(() => {
    const instance = chart.current;
    if (instance === null) return;
    const draw = () => {
      const start = performance.now();
      instance.setOption(option, { notMerge: true, lazyUpdate: false });
      // A User Timing entry per drawing (seen in DevTools and in bench/page-load-profile.ts).
      performance.measure(`echarts ${name}`, { start });
      setDrawn(true);
    };
    if (!drawnOnce.current) {
      drawnOnce.current = true;
      draw();
      return;
    }
    // A redraw (a row picked, a baseline pinned) waits until the frame after the change is painted: what
    // the click changed elsewhere (a drawer opening) shows first, not ~100 ms later behind the charts.
    // A newer option cancels a redraw not yet done, so only the latest is drawn.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const frame = requestAnimationFrame(() => {
      timer = setTimeout(draw, 0);
    });
    return () => {
      cancelAnimationFrame(frame);
      clearTimeout(timer);
    };
  }, [option, name]);

  return (
    <div
      ref={element}
      role="img"
      aria-label={label}
      data-testid={testId}
      data-chart-ready={drawn ? "true" : "false"}
      {...dataAttributes}
      style={{ width: "100%", height }}
    />
  );
}
