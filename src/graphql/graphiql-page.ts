/**
 * The in-browser query page served at `/graphql` (GET with `Accept: text/html`).
 *
 * graphql-yoga's own GraphiQL loads its scripts and styles from a CDN, so it is a blank
 * page on a machine without internet. This page is self-contained instead (one HTML
 * document, inline script and styles, no external requests): an editor for the query,
 * variables and API key, Ctrl/Cmd+Enter to run, the answer, a schema explorer built
 * from introspection, and Webiny's example operations to start from.
 */

const EXAMPLES: Record<string, string> = {
  "List definitions": `query {
  backgroundTasks {
    listDefinitions {
      data { id title description }
      error { message code data stack }
    }
  }
}`,
  "List tasks": `query {
  backgroundTasks {
    listTasks(limit: 20) {
      data { id name definitionId taskStatus iterations createdOn startedOn finishedOn progress input output }
      meta { cursor hasMoreItems totalCount }
      error { message code data stack }
    }
  }
}`,
  "Logs of a task": `query ($task: String!) {
  backgroundTasks {
    listLogs(where: { task: $task }) {
      data { id createdOn executionName iteration items { message createdOn type data error } }
      error { message code data stack }
    }
  }
}`,
  "Trigger a task": `mutation ($definition: WebinyBackgroundTaskDefinitionEnum!, $input: JSON) {
  backgroundTasks {
    triggerTask(definition: $definition, input: $input) {
      data { id taskStatus }
      error { message code data stack }
    }
  }
}`,
  "Abort a task": `mutation ($id: ID!) {
  backgroundTasks {
    abortTask(id: $id, message: "Aborted from the query page") {
      data { id taskStatus }
      error { message code data stack }
    }
  }
}`,
};

function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c");
}

export function renderQueryPage(options: { endpoint: string; title: string }): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title.replace(/[<>&"]/g, "")}</title>
<style>
  * { box-sizing: border-box; }
  body { margin: 0; font: 14px system-ui, sans-serif; color: #1d2330; background: #f5f6f8; height: 100vh; display: flex; flex-direction: column; }
  header { display: flex; gap: 8px; align-items: center; padding: 8px 12px; background: #1d2330; color: #fff; }
  header h1 { font-size: 15px; margin: 0 12px 0 0; }
  header input, header select { padding: 5px 8px; border-radius: 4px; border: 1px solid #556; }
  button { padding: 6px 14px; border: 0; border-radius: 4px; background: #e535ab; color: #fff; font-weight: 600; cursor: pointer; }
  main { flex: 1; display: grid; grid-template-columns: 1fr 1fr 320px; min-height: 0; }
  section { display: flex; flex-direction: column; min-height: 0; border-right: 1px solid #d8dbe2; }
  label { font-size: 12px; font-weight: 600; padding: 6px 10px; background: #e9ebf0; }
  textarea, pre { flex: 1; margin: 0; padding: 10px; border: 0; resize: none; font: 13px ui-monospace, monospace; background: #fff; overflow: auto; white-space: pre; }
  #variables { flex: 0 0 30%; border-top: 1px solid #d8dbe2; }
  #docs { overflow: auto; padding: 6px 10px; font-size: 13px; background: #fff; flex: 1; }
  #docs summary { cursor: pointer; font-weight: 600; margin: 4px 0; }
  #docs code { font: 12px ui-monospace, monospace; display: block; padding: 1px 0 1px 12px; }
  .spacer { flex: 1; }
</style>
</head>
<body>
<header>
  <h1>${options.title.replace(/[<>&"]/g, "")}</h1>
  <select id="examples"><option value="">Examples…</option></select>
  <span class="spacer"></span>
  <input id="apiKey" type="password" placeholder="API key (Bearer)" autocomplete="off">
  <button id="run" title="Ctrl/Cmd + Enter">Run ▶</button>
</header>
<main>
  <section><label for="query">Query</label><textarea id="query" spellcheck="false"></textarea>
    <label for="variables">Variables (JSON)</label><textarea id="variables" spellcheck="false">{}</textarea></section>
  <section><label>Result</label><pre id="result"></pre></section>
  <section><label>Schema</label><div id="docs">Loading…</div></section>
</main>
<script>
(() => {
  const endpoint = ${scriptJson(options.endpoint)};
  const examples = ${scriptJson(EXAMPLES)};
  const $ = (id) => document.getElementById(id);
  const store = window.localStorage;
  // The key only lives as long as the tab, never on disk.
  const keyStore = window.sessionStorage;
  $("query").value = store.getItem("stint.query") || examples["List tasks"];
  $("variables").value = store.getItem("stint.variables") || "{}";
  $("apiKey").value = keyStore.getItem("stint.apiKey") || "";
  for (const name of Object.keys(examples)) {
    const option = document.createElement("option");
    option.value = name; option.textContent = name; $("examples").appendChild(option);
  }
  $("examples").onchange = (event) => {
    if (examples[event.target.value]) $("query").value = examples[event.target.value];
    event.target.value = "";
  };
  async function post(query, variables) {
    const headers = { "content-type": "application/json", accept: "application/json" };
    const key = $("apiKey").value.trim();
    if (key) headers.authorization = "Bearer " + key;
    const response = await fetch(endpoint, { method: "POST", headers, body: JSON.stringify({ query, variables }) });
    return response.json();
  }
  async function run() {
    store.setItem("stint.query", $("query").value);
    store.setItem("stint.variables", $("variables").value);
    let variables;
    try { variables = JSON.parse($("variables").value || "{}"); }
    catch (error) { $("result").textContent = "Variables are not valid JSON: " + error.message; return; }
    $("result").textContent = "…";
    try { $("result").textContent = JSON.stringify(await post($("query").value, variables), null, 2); }
    catch (error) { $("result").textContent = String(error); }
  }
  function typeName(type) {
    if (type.kind === "NON_NULL") return typeName(type.ofType) + "!";
    if (type.kind === "LIST") return "[" + typeName(type.ofType) + "]";
    return type.name;
  }
  const typeRef = "kind name ofType { kind name ofType { kind name ofType { kind name } } }";
  async function loadDocs() {
    const docs = $("docs");
    try {
      const result = await post("{ __schema { types { name kind fields { name args { name type { " + typeRef + " } } type { " + typeRef + " } } inputFields { name type { " + typeRef + " } } enumValues { name } } } }", {});
      docs.textContent = "";
      const first = ["WebinyBackgroundTaskQuery", "WebinyBackgroundTaskMutation"];
      const rank = (type) => (first.includes(type.name) ? first.indexOf(type.name) : first.length);
      const types = result.data.__schema.types.filter((type) => !type.name.startsWith("__")).sort((a, b) => rank(a) - rank(b));
      for (const type of types) {
        const members = type.fields || type.inputFields || type.enumValues;
        if (!members) continue;
        const details = document.createElement("details");
        details.open = type.name === "WebinyBackgroundTaskQuery" || type.name === "WebinyBackgroundTaskMutation";
        const summary = document.createElement("summary");
        summary.textContent = type.kind.toLowerCase().replace("_object", "") + " " + type.name;
        details.appendChild(summary);
        for (const member of members) {
          const line = document.createElement("code");
          const args = member.args && member.args.length ? "(" + member.args.map((arg) => arg.name + ": " + typeName(arg.type)).join(", ") + ")" : "";
          line.textContent = member.name + args + (member.type ? ": " + typeName(member.type) : "");
          details.appendChild(line);
        }
        docs.appendChild(details);
      }
    } catch (error) { docs.textContent = "Could not load the schema: " + error; }
  }
  for (const id of ["query", "variables"]) {
    $(id).addEventListener("keydown", (event) => {
      if (event.key === "Tab") { event.preventDefault(); document.execCommand("insertText", false, "  "); }
    });
  }
  document.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); run(); }
  });
  $("run").onclick = run;
  $("apiKey").onchange = () => { keyStore.setItem("stint.apiKey", $("apiKey").value.trim()); loadDocs(); };
  loadDocs();
})();
</script>
</body>
</html>
`;
}
