/** Pretty JSON with light token colouring; no HTML is ever built from the data. */
import type { ComponentChildren } from "preact";

const TOKEN = /("(?:\\.|[^"\\])*")(\s*:)?|\b(true|false|null)\b|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/g;

function highlight(text: string): ComponentChildren[] {
  const out: ComponentChildren[] = [];
  let last = 0;
  for (const match of text.matchAll(TOKEN)) {
    const index = match.index ?? 0;
    if (index > last) out.push(text.slice(last, index));
    if (match[1] !== undefined) {
      out.push(<span class={match[2] ? "j-key" : "j-str"}>{match[1]}</span>);
      if (match[2]) out.push(match[2]);
    } else if (match[3] !== undefined) {
      out.push(<span class="j-lit">{match[3]}</span>);
    } else {
      out.push(<span class="j-num">{match[4]}</span>);
    }
    last = index + match[0].length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

export function JsonView({ value, label }: { value: unknown; label?: string }) {
  if (value === null || value === undefined) return <p class="muted">none</p>;
  const text = JSON.stringify(value, null, 2) ?? String(value);
  // Big documents skip colouring: it is the slow part.
  return (
    <pre class="json" tabIndex={0} aria-label={label}>
      {text.length > 100_000 ? text : highlight(text)}
    </pre>
  );
}
