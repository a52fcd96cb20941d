import { useDocumentVisible } from "../hooks";
import { formatAge } from "../format";

/** "Live" while polling works, "Paused" while the tab is hidden, the error otherwise. */
export function LiveIndicator({ updatedAt, error, now }: { updatedAt: number | undefined; error: unknown; now: number }) {
  const visible = useDocumentVisible();
  const state = !visible ? "paused" : error ? "offline" : "live";
  const text = state === "paused" ? "Paused" : state === "offline" ? `Not updating: ${(error as Error)?.message ?? "error"}` : "Live";
  return (
    <span class={`live live-${state}`} role="status" title={updatedAt ? `Updated ${formatAge(new Date(updatedAt).toISOString(), now)}` : undefined}>
      <span class="dot" aria-hidden="true" />
      {text}
    </span>
  );
}
