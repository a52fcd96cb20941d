/** Hooks shared by the pages: polling that pauses while the tab is hidden, a ticking clock, one API action. */
import { useCallback, useEffect, useRef, useState } from "preact/hooks";

export interface Polled<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  updatedAt: number | undefined;
  refresh: () => void;
}

export const POLL_INTERVAL_MS = 2000;

export function useDocumentVisible(): boolean {
  const [visible, setVisible] = useState(() => !document.hidden);
  useEffect(() => {
    const update = () => setVisible(!document.hidden);
    document.addEventListener("visibilitychange", update);
    return () => document.removeEventListener("visibilitychange", update);
  }, []);
  return visible;
}

/**
 * Calls `load` now and every `intervalMs` after the previous answer (never two at once),
 * and again whenever `key` changes. While the tab is hidden nothing is sent.
 * Pass `intervalMs = 0` to load once per key.
 */
export function usePolling<T>(load: () => Promise<T>, key: string, intervalMs = POLL_INTERVAL_MS): Polled<T> {
  const [state, setState] = useState<Omit<Polled<T>, "refresh">>({ data: undefined, error: undefined, loading: true, updatedAt: undefined });
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  useEffect(() => {
    let cancelled = false;
    let inFlight = false;
    let loaded = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = async () => {
      clearTimeout(timer);
      if (cancelled || inFlight || document.hidden) return;
      inFlight = true;
      setState((s) => (s.loading ? s : { ...s, loading: true }));
      try {
        const data = await loadRef.current();
        loaded = true;
        if (!cancelled) setState({ data, error: undefined, loading: false, updatedAt: Date.now() });
      } catch (error) {
        if (!cancelled) setState((s) => ({ ...s, error, loading: false }));
      } finally {
        inFlight = false;
      }
      if (!cancelled && intervalMs > 0) timer = setTimeout(run, intervalMs);
    };
    const onVisibility = () => {
      if (!document.hidden && (intervalMs > 0 || !loaded)) void run();
    };
    document.addEventListener("visibilitychange", onVisibility);
    void run();
    return () => {
      cancelled = true;
      clearTimeout(timer);
      document.removeEventListener("visibilitychange", onVisibility);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, tick, intervalMs]);

  const refresh = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, refresh };
}

/** Re-renders every `ms` so relative times ("12 s ago") stay current. */
export function useNow(ms = 1000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}

/**
 * One API action behind a button: `busy` while it runs, the refusal in `error`.
 * `run` resolves true when the action succeeded.
 */
export function useAction(): { busy: boolean; error: unknown; run(action: () => Promise<unknown>): Promise<boolean> } {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = useCallback(async (action: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
      return true;
    } catch (e) {
      setError(e);
      return false;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, run };
}
