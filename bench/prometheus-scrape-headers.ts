// The request headers Prometheus 2.x sends with every scrape, so a server that compresses or
// negotiates the format (promhttp in blackbox_exporter does both) does so in benchmarks too.

export function prometheusScrapeHeaders(options: { timeoutSeconds: number; gzip: boolean }): Record<string, string> {
  return {
    accept: 'application/openmetrics-text;version=1.0.0;q=0.5,application/openmetrics-text;version=0.0.1;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2',
    ...(options.gzip ? { 'accept-encoding': 'gzip' } : {}),
    'x-prometheus-scrape-timeout-seconds': String(options.timeoutSeconds),
  };
}
