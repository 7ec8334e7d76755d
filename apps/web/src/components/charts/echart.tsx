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
  const clickHandler = useRef(onPointClick);
  clickHandler.current = onPointClick;

  useEffect(() => {
    if (element.current === null) return;
    const instance = echarts.init(element.current, undefined, { renderer: "canvas" });
    chart.current = instance;
    instance.on("click", (params) => {
      const event = params as unknown as EChartClick;
      clickHandler.current?.(event);
    });
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(element.current);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    if (chart.current === null) return;
    chart.current.setOption(option, { notMerge: true, lazyUpdate: false });
    setDrawn(true);
  }, [option]);

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
