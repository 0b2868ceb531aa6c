import {useEffect, useState} from 'react';

/** Re-reads a clock every `ms` real milliseconds; React skips the repaint when nothing shown changes. */
export function useTicker(now: () => number, ms: number): number {
	const [time, setTime] = useState(now);
	useEffect(() => {
		const timer = setInterval(() => setTime(now()), ms);
		return () => clearInterval(timer);
	}, [now, ms]);
	return time;
}
