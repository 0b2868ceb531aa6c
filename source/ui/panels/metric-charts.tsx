import asciichart from 'asciichart';
import {Box, Text} from 'ink';
import {sanitize} from '../../text/sanitize.js';
import {formatMetricValue} from '../format.js';
import {asciiChartSymbols, useTheme, type Theme} from '../theme.js';
import type {MetricView} from '../view-model.js';

const labels: Record<string, string> = {'request-success-rate': 'success rate', 'request-duration': 'p99'};

/** asciichart throws on NaN and empty series: missing readings repeat the last known value. */
export function chartSeries(metric: MetricView, points: number): number[] {
	const values: number[] = [];
	let last: number | undefined;
	for (const point of metric.points.slice(-points)) {
		if (point.value !== undefined && Number.isFinite(point.value)) last = point.value;
		if (last !== undefined) values.push(last);
	}
	return values;
}

export function chartLines(metric: MetricView, width: number, height: number, theme: Theme): string[] {
	const labelWidth = 6;
	const values = chartSeries(metric, Math.max(2, width - labelWidth - 2));
	if (values.length === 0) return [];
	const bound = metric.unit === '%' ? metric.min : (metric.max ?? metric.min);
	const series = bound === undefined ? [values] : [values, values.map(() => bound)];
	const plot = asciichart.plot(series, {
		height,
		format: (value: number) => formatMetricValue(value, metric.unit).replace('no data', '').padStart(labelWidth).slice(-labelWidth),
		...(theme.color ? {colors: [metric.passing === false ? asciichart.red : asciichart.green, asciichart.darkgray]} : {}),
		...(theme.ascii ? {symbols: asciiChartSymbols} : {}),
	});
	return plot.split('\n');
}

function Title({metric}: {metric: MetricView}) {
	const theme = useTheme();
	const name = labels[metric.name] ?? sanitize(metric.name);
	const bounds = [metric.min !== undefined ? `min ${metric.min}` : '', metric.max !== undefined ? `max ${metric.max}` : ''].filter(Boolean).join(', ');
	const verdict = metric.passing === undefined ? '' : metric.passing ? theme.glyph.ok : theme.glyph.bad;
	return (
		<Text wrap="truncate">
			{' '}
			{name} <Text bold>{formatMetricValue(metric.current, metric.unit)}</Text>
			{bounds ? ` (${bounds})` : ''} <Text color={theme.tint(metric.passing === false ? 'red' : 'green')}>{verdict}</Text>
		</Text>
	);
}

/** One sparkline per metric, side by side; in compact mode one title line per metric. */
export function MetricCharts({metrics, width, height}: {metrics: MetricView[]; width: number; height: number}) {
	const theme = useTheme();
	if (metrics.length === 0) return <Text dimColor> no metrics in the analysis</Text>;
	if (height <= 0) {
		return (
			<Box>
				{metrics.map(metric => (
					<Box key={metric.name} width={Math.floor(width / metrics.length)}>
						<Title metric={metric} />
					</Box>
				))}
			</Box>
		);
	}
	const columnWidth = Math.floor(width / metrics.length);
	return (
		<Box>
			{metrics.map(metric => {
				const lines = chartLines(metric, columnWidth - 1, Math.max(1, height - 2), theme);
				return (
					<Box key={metric.name} flexDirection="column" width={columnWidth}>
						<Title metric={metric} />
						{lines.length === 0 ? <Text dimColor>   waiting for the first reading</Text> : lines.map((line, i) => <Text key={i} wrap="truncate">{line}</Text>)}
					</Box>
				);
			})}
		</Box>
	);
}
