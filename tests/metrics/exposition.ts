/**
 * Reads Prometheus text exposition back into numbers, for assertions: `sample(text,
 * 'stint_tasks{definition="a",status="pending"}')`. Label order in the key does not
 * matter. A tiny reader, for tests only: Stint writes the format through prom-client.
 */
export type Samples = Map<string, number>;

export function parseExposition(text: string): Samples {
  const samples: Samples = new Map();
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)/.exec(line);
    if (!match) throw new Error(`not an exposition line: ${line}`);
    samples.set(key(match[1], match[3] ?? ""), Number(match[4]));
  }
  return samples;
}

function key(name: string, labels: string): string {
  const pairs = [...labels.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map((m) => `${m[1]}="${m[2]}"`).sort();
  return pairs.length > 0 ? `${name}{${pairs.join(",")}}` : name;
}

/** The value of one series, or undefined when it is not exposed. */
export function sample(samples: Samples, series: string): number | undefined {
  const match = /^([^{]+)(\{(.*)\})?$/.exec(series)!;
  return samples.get(key(match[1], match[3] ?? ""));
}

/** The names of every series exposed for a metric (its label sets). */
export function seriesOf(samples: Samples, name: string): string[] {
  return [...samples.keys()].filter((k) => k === name || k.startsWith(`${name}{`));
}
