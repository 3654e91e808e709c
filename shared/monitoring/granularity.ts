/**
 * Aggregation granularities of data profiling monitors: the one list our inputs accept, how
 * each API spells them, and the finest of a monitor's.
 *
 * The legacy API takes the text ("1 day"); data quality v1 the enum `AGGREGATION_GRANULARITY_1_DAY`
 * (`databricks/databricks-sdk-py` `databricks/sdk/service/dataquality.py`).
 */

/** The aggregation granularities both monitor APIs accept, as the legacy API and our inputs spell them. */
export const GRANULARITIES = ['5 minutes', '30 minutes', '1 hour', '1 day', '1 week', '2 weeks', '3 weeks', '4 weeks', '1 month', '1 year'] as const;
export type Granularity = (typeof GRANULARITIES)[number];

/** The v1 enum of a granularity: "2 weeks" → AGGREGATION_GRANULARITY_2_WEEKS. */
export function granularityEnum(text: Granularity): string {
  return `AGGREGATION_GRANULARITY_${text.toUpperCase().replace(' ', '_')}`;
}

const GRANULARITY_ENUM = /^AGGREGATION_GRANULARITY_(\d+)_([A-Z]+)$/;
const UNIT_MINUTES: Readonly<Record<string, number>> = { minute: 1, hour: 60, day: 1440, week: 10080, month: 43200, year: 525600 };

/** "1 day" from "1 day" or AGGREGATION_GRANULARITY_1_DAY; undefined when not recognised. */
export function granularityText(value: string): string | undefined {
  const e = GRANULARITY_ENUM.exec(value);
  const text = e ? `${e[1]} ${e[2].toLowerCase()}` : value.trim().toLowerCase();
  const m = /^(\d+) (minute|hour|day|week|month|year)s?$/.exec(text);
  if (!m) return undefined;
  const n = Number(m[1]);
  return `${n} ${m[2]}${n === 1 ? '' : 's'}`;
}

/**
 * The finest of a monitor's granularities: its windows react first, and evaluationWindows
 * counts in them. Undefined when there is none (snapshot profiles) or none is recognised.
 */
export function finestGranularity(granularities: readonly string[] | undefined): string | undefined {
  let best: { text: string; minutes: number } | undefined;
  for (const g of granularities ?? []) {
    const text = granularityText(g);
    if (!text) continue;
    const [count, unit] = text.split(' ');
    const minutes = Number(count) * UNIT_MINUTES[unit.replace(/s$/, '')];
    if (!best || minutes < best.minutes) best = { text, minutes };
  }
  return best?.text;
}
