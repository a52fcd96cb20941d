/**
 * GraphiQL at `/graphql`: the `graphiql` package (React, CodeMirror 5), bundled by Vite
 * into `dist/graphiql/` and served by the Stint server itself, so the page works
 * offline and under the same Content-Security-Policy as the dashboard. The dashboard is
 * Preact; this page has its own React, loaded only here.
 *
 * No JSX in this file: the dashboard's compiler settings turn JSX into Preact calls.
 */
import { createElement, useMemo, useState } from "react";
import { createRoot } from "react-dom/client";
import { GraphiQL } from "graphiql";
import "graphiql/style.css";
import "./page.css";
import { createFetcher, readStoredKey, storeKey } from "./fetcher";

const DEFAULT_QUERY = `# Stint's API, the Webiny background-tasks schema. Ctrl/Cmd+Enter runs the query;
# Ctrl+Space suggests fields; the book icon on the left opens the schema docs.
query {
  backgroundTasks {
    listTasks(limit: 20) {
      data { id name definitionId taskStatus iterations createdOn startedOn finishedOn }
      meta { cursor hasMoreItems totalCount }
      error { message code data }
    }
  }
}
`;

/** The endpoint relative to this page (served at `…/graphql`), so a path prefix in front of Stint keeps working. */
const ENDPOINT = new URL("graphql", window.location.href).pathname;

function KeyBar({ value, onChange }: { value: string; onChange: (key: string) => void }) {
  const [draft, setDraft] = useState(value);
  const apply = () => onChange(draft.trim());
  return createElement(
    "form",
    {
      className: "stint-bar",
      onSubmit: (event: { preventDefault(): void }) => {
        event.preventDefault();
        apply();
      },
    },
    createElement("a", { className: "stint-brand", href: "./" }, "Stint"),
    createElement("span", { className: "stint-title" }, "GraphQL"),
    createElement("span", { className: "stint-spacer" }),
    createElement(
      "label",
      { className: "stint-key" },
      "API key ",
      createElement("input", {
        type: "password",
        autoComplete: "off",
        placeholder: value ? "•••• (stored for this tab)" : "none",
        value: draft,
        "data-testid": "api-key",
        onChange: (event: { currentTarget: HTMLInputElement }) => setDraft(event.currentTarget.value),
        onBlur: apply,
      }),
    ),
  );
}

function Page() {
  const [key, setKey] = useState(readStoredKey);
  const fetcher = useMemo(() => createFetcher(ENDPOINT, () => key), [key]);
  return createElement(
    "div",
    { className: "stint-page" },
    createElement(KeyBar, {
      value: key,
      onChange: (next: string) => {
        storeKey(next);
        setKey(next);
      },
    }),
    // A new key re-reads the schema: `key` remounts GraphiQL with the new fetcher.
    createElement("div", { className: "stint-graphiql" }, createElement(GraphiQL, { key, fetcher, defaultQuery: DEFAULT_QUERY, defaultEditorToolsVisibility: false })),
  );
}

createRoot(document.getElementById("graphiql")!).render(createElement(Page));
