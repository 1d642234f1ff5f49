/** Chart colours come from the theme's CSS variables (a canvas cannot read var()). */
export type ChartColor = 'cpu' | 'memory' | 'processes' | 'disk' | 'rx' | 'tx' | 'limit' | 'grid' | 'axis' | 'alert';

export function chartColor(name: ChartColor): string {
  const value = getComputedStyle(document.documentElement).getPropertyValue(`--chart-${name}`).trim();
  return value || '#888888';
}
