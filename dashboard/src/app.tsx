/**
 * The shell: finds out what the key may do (asking for one when the API refuses
 * reads), then routes between runs, one run and definitions, with the trigger dialog
 * and short notices on top.
 */
import { useCallback, useEffect, useState } from "preact/hooks";
import { probeAccess, type Access } from "./access";
import { ApiError, isNotAuthorized, NOT_AUTHORIZED } from "./api";
import { getApiKey, setApiKey } from "./auth-store";
import { ErrorMessage } from "./components/error-message";
import { usePolling } from "./hooks";
import { DefinitionsPage } from "./pages/definitions-page";
import { SchedulesPage } from "./pages/schedules-page";
import { KeyPrompt } from "./pages/key-prompt";
import { RunPage } from "./pages/run-page";
import { RunsPage } from "./pages/runs-page";
import { TriggerDialog } from "./pages/trigger-dialog";
import { WorkersPage } from "./pages/workers-page";
import { SettingsPage } from "./pages/settings-page";
import { listDefinitions } from "./queries";
import { href, navigate, useRoute, type Route } from "./router";

type AuthState =
  | { state: "checking" }
  | { state: "needs-key"; error?: unknown }
  | { state: "failed"; error: unknown }
  | { state: "ready"; access: Access; keyed: boolean };

export function App() {
  const [auth, setAuth] = useState<AuthState>({ state: "checking" });
  const [busy, setBusy] = useState(false);

  const check = useCallback(async (key: string | null) => {
    setBusy(true);
    try {
      const access = await probeAccess(key);
      if (!access.read) {
        setApiKey(null);
        const error = key ? new ApiError({ message: "This key is not allowed to read tasks.", code: NOT_AUTHORIZED }) : undefined;
        setAuth({ state: "needs-key", error });
        return;
      }
      if (key) setApiKey(key);
      setAuth({ state: "ready", access, keyed: !!key });
    } catch (error) {
      setAuth({ state: "failed", error });
    } finally {
      setBusy(false);
    }
  }, []);

  useEffect(() => {
    void check(getApiKey());
  }, [check]);

  const forgetKey = () => {
    setApiKey(null);
    setAuth({ state: "checking" });
    void check(null);
  };

  return (
    <>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      {auth.state === "ready" ? (
        <Shell access={auth.access} keyed={auth.keyed} onForgetKey={forgetKey} onUnauthorized={() => setAuth({ state: "needs-key" })} />
      ) : (
        <>
          <Header />
          <main id="main" class="main">
            {auth.state === "checking" ? <p class="empty">Connecting…</p> : null}
            {auth.state === "needs-key" ? <KeyPrompt onSubmit={(key) => void check(key)} error={auth.error} busy={busy} /> : null}
            {auth.state === "failed" ? (
              <div class="card">
                <ErrorMessage error={auth.error} />
                <button type="button" class="button" onClick={() => void check(getApiKey())}>
                  Try again
                </button>
              </div>
            ) : null}
          </main>
        </>
      )}
    </>
  );
}

function Header(props: { route?: Route; access?: Access; keyed?: boolean; onTrigger?: () => void; onForgetKey?: () => void }) {
  const path = props.route?.path ?? "";
  const section = path.startsWith("/definitions") ? "definitions" : path.startsWith("/schedules") ? "schedules" : path.startsWith("/workers") ? "workers" : path.startsWith("/settings") ? "settings" : "runs";
  return (
    <header class="topbar">
      <a class="brand" href={href("/")}>
        <img src="./favicon.svg" alt="" width={22} height={22} />
        <span>Stint</span>
      </a>
      {props.route ? (
        <nav class="nav" aria-label="Sections">
          <a href={href("/")} aria-current={section === "runs" ? "page" : undefined}>
            Runs
          </a>
          <a href={href("/definitions")} aria-current={section === "definitions" ? "page" : undefined}>
            Definitions
          </a>
          <a href={href("/schedules")} aria-current={section === "schedules" ? "page" : undefined}>
            Schedules
          </a>
          <a href={href("/workers")} aria-current={section === "workers" ? "page" : undefined}>
            Workers
          </a>
          <a href={href("/settings")} aria-current={section === "settings" ? "page" : undefined}>
            Settings
          </a>
        </nav>
      ) : null}
      <div class="topbar-end">
        {/* GraphiQL, in this tab: it reads the key this tab keeps. */}
        <a class="topbar-link" href="graphql" data-testid="graphiql-link">
          GraphQL
        </a>
        {props.keyed && props.access ? (
          <span class="key-chip" title="Permissions of the API key in use">
            key: {[props.access.read && "read", props.access.write && "write", props.access.remove && "delete"].filter(Boolean).join(" · ")}
            <button type="button" class="link-button" onClick={props.onForgetKey}>
              forget
            </button>
          </span>
        ) : null}
        {props.access?.write && props.onTrigger ? (
          <button type="button" class="button primary" onClick={props.onTrigger} data-testid="open-trigger">
            Trigger task
          </button>
        ) : null}
      </div>
    </header>
  );
}

function Shell({ access, keyed, onForgetKey, onUnauthorized }: { access: Access; keyed: boolean; onForgetKey: () => void; onUnauthorized: () => void }) {
  const route = useRoute();
  const definitions = usePolling(listDefinitions, "definitions", 30_000);
  const [trigger, setTrigger] = useState<{ definition?: string } | null>(null);
  const [notice, setNotice] = useState<{ text: string; id: number } | null>(null);

  useEffect(() => {
    if (isNotAuthorized(definitions.error)) onUnauthorized();
  }, [definitions.error, onUnauthorized]);

  useEffect(() => {
    if (!notice) return;
    const timer = setTimeout(() => setNotice(null), 5000);
    return () => clearTimeout(timer);
  }, [notice]);

  const notify = useCallback((text: string) => setNotice({ text, id: Date.now() }), []);
  const list = definitions.data ?? [];
  const runMatch = /^\/runs\/([^/]+)$/.exec(route.path);

  let page;
  if (route.path === "/" || route.path === "/runs") page = <RunsPage route={route} definitions={list} />;
  else if (runMatch)
    page = (
      <RunPage
        key={runMatch[1]}
        id={decodeURIComponent(runMatch[1])}
        access={access}
        definitions={list}
        notify={notify}
        onDeleted={(task) => {
          notify(`Deleted “${task.name || task.id}”.`);
          navigate(href("/"));
        }}
      />
    );
  else if (route.path === "/definitions")
    page = <DefinitionsPage definitions={list} error={definitions.data ? null : definitions.error} access={access} onTrigger={(definition) => setTrigger({ definition })} />;
  else if (route.path === "/schedules") page = <SchedulesPage access={access} />;
  else if (route.path === "/workers") page = <WorkersPage definitions={list} />;
  else if (route.path === "/settings") page = <SettingsPage access={access} notify={notify} />;
  else
    page = (
      <div class="card empty">
        <p>Nothing here.</p>
        <a class="button" href={href("/")}>
          Go to runs
        </a>
      </div>
    );

  return (
    <>
      <Header route={route} access={access} keyed={keyed} onTrigger={() => setTrigger({})} onForgetKey={onForgetKey} />
      <main id="main" class="main" tabIndex={-1}>
        {page}
      </main>
      <div class="notice-area" role="status" aria-live="polite">
        {notice ? (
          <div class="notice" key={notice.id}>
            {notice.text}
            <button type="button" class="icon-button" aria-label="Dismiss" onClick={() => setNotice(null)}>
              ×
            </button>
          </div>
        ) : null}
      </div>
      {trigger && access.write ? (
        <TriggerDialog
          definitions={list}
          initialDefinition={trigger.definition}
          onClose={() => setTrigger(null)}
          onTriggered={(task) => {
            setTrigger(null);
            notify(`Triggered “${task.name || task.id}”.`);
            navigate(href(`/runs/${task.id}`));
          }}
        />
      ) : null}
    </>
  );
}
