// The request-latency histogram of GET /metrics, counted the cheap way: an observation is an array index and
// three additions on the series of its route, method and status (found through nested maps of strings the
// router already holds); the cumulative buckets and label sets are built only when a scraper asks. It hands
// prom-client's Registry the same histogram shape a prom-client Histogram would (names, labels, `le` first),
// so /metrics reads exactly as before — prom-client's own observe converts and hashes the labels per request.

interface Series {
  readonly labels: { route: string; method: string; status: string };
  /** Observations per bucket, not cumulative: counts[i] fell in (bounds[i-1], bounds[i]]; the last is +Inf. */
  readonly counts: Float64Array;
  sum: number;
  count: number;
}

/** What prom-client's Registry reads from a metric it was given with registerMetric. */
interface PromMetricSource {
  name: string;
  help: string;
  type: 'histogram';
  aggregator: 'sum';
  get(): Promise<{ name: string; help: string; type: 'histogram'; aggregator: 'sum'; values: { metricName: string; labels: Record<string, string | number>; value: number }[] }>;
  reset(): void;
}

export class RouteLatency implements PromMetricSource {
  readonly type = 'histogram' as const;
  readonly aggregator = 'sum' as const;
  /** route → method → status → series. */
  #series = new Map<string, Map<string, Map<number, Series>>>();

  constructor(
    readonly name: string,
    readonly help: string,
    /** Upper bounds in seconds, ascending. */
    private readonly bounds: readonly number[],
  ) {}

  observe(route: string, method: string, status: number, seconds: number): void {
    let byMethod = this.#series.get(route);
    if (!byMethod) this.#series.set(route, (byMethod = new Map()));
    let byStatus = byMethod.get(method);
    if (!byStatus) byMethod.set(method, (byStatus = new Map()));
    let series = byStatus.get(status);
    if (!series) {
      series = { labels: { route, method, status: String(status) }, counts: new Float64Array(this.bounds.length + 1), sum: 0, count: 0 };
      byStatus.set(status, series);
    }
    let bucket = 0;
    while (bucket < this.bounds.length && seconds > this.bounds[bucket]!) bucket += 1;
    series.counts[bucket]! += 1;
    series.sum += seconds;
    series.count += 1;
  }

  async get() {
    const values: { metricName: string; labels: Record<string, string | number>; value: number }[] = [];
    for (const byMethod of this.#series.values()) {
      for (const byStatus of byMethod.values()) {
        for (const { labels, counts, sum, count } of byStatus.values()) {
          let cumulative = 0;
          for (let i = 0; i <= this.bounds.length; i += 1) {
            cumulative += counts[i]!;
            values.push({ metricName: `${this.name}_bucket`, labels: { le: i < this.bounds.length ? this.bounds[i]! : '+Inf', ...labels }, value: cumulative });
          }
          values.push({ metricName: `${this.name}_sum`, labels, value: sum });
          values.push({ metricName: `${this.name}_count`, labels, value: count });
        }
      }
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  reset(): void {
    this.#series.clear();
  }
}
