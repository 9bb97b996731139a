type JsonObject = Record<string, any>;

const escape = (s: unknown): string =>
  String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const STYLE = `
body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#1d2330;display:flex}
nav{width:260px;flex:none;height:100vh;overflow:auto;position:sticky;top:0;background:#f4f5f8;padding:16px;box-sizing:border-box}
nav a{display:block;color:#1d2330;text-decoration:none;padding:2px 0;font-size:13px}
main{padding:24px 40px;max-width:960px}
h1{margin-top:0}h2{border-bottom:1px solid #dde;padding-bottom:4px;margin-top:40px}
.op{border:1px solid #dde;border-radius:6px;margin:16px 0;padding:12px 16px}
.m{display:inline-block;min-width:64px;font-weight:700;font-family:monospace}
.GET{color:#0a7}.POST{color:#06c}.PATCH,.PUT{color:#b70}.DELETE{color:#c33}
code,pre{font-family:ui-monospace,monospace;font-size:13px}
pre{background:#f7f7fa;padding:8px;overflow:auto;border-radius:4px;max-height:320px}
table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #dde;padding:4px 8px;text-align:left}
`;

/** A self-contained API reference (no scripts, no external assets) rendered from the OpenAPI document. */
export function renderDocsPage(doc: JsonObject): string {
  const byTag = new Map<string, Array<{ method: string; path: string; op: JsonObject }>>();
  for (const [path, item] of Object.entries(doc.paths as JsonObject)) {
    for (const [method, op] of Object.entries(item as JsonObject)) {
      const tag = (op.tags?.[0] as string) ?? 'other';
      if (!byTag.has(tag)) byTag.set(tag, []);
      byTag.get(tag)!.push({ method: method.toUpperCase(), path, op });
    }
  }
  const tags = [...byTag.keys()].sort();
  const nav = tags
    .map((t) => `<strong>${escape(t)}</strong>${byTag.get(t)!.map((o) => `<a href="#${escape(o.op.operationId)}">${o.method} ${escape(o.path)}</a>`).join('')}`)
    .join('');
  const sections = tags
    .map((t) => {
      const ops = byTag.get(t)!.map(({ method, path, op }) => {
        const params = (op.parameters as JsonObject[]) ?? [];
        const paramTable = params.length
          ? `<table><tr><th>name</th><th>in</th><th>required</th><th>schema</th></tr>${params
              .map((p) => `<tr><td><code>${escape(p.name)}</code></td><td>${escape(p.in)}</td><td>${p.required ? 'yes' : 'no'}</td><td><code>${escape(JSON.stringify(p.schema))}</code></td></tr>`)
              .join('')}</table>`
          : '';
        const body = op.requestBody
          ? Object.entries(op.requestBody.content as JsonObject)
              .map(([type, content]) => `<h4>Body (${escape(type)})</h4><pre>${escape(JSON.stringify(content.schema, null, 2))}</pre>`)
              .join('')
          : '';
        const responses = Object.entries(op.responses as JsonObject)
          .filter(([, r]) => !(r as JsonObject).$ref)
          .map(([code, r]) => {
            const content = (r as JsonObject).content as JsonObject | undefined;
            const schema = content ? (Object.values(content)[0] as JsonObject).schema : undefined;
            return `<h4>${escape(code)} ${escape((r as JsonObject).description)}</h4>${schema ? `<pre>${escape(JSON.stringify(schema, null, 2))}</pre>` : ''}`;
          })
          .join('');
        return `<div class="op" id="${escape(op.operationId)}"><div><span class="m ${method}">${method}</span><code>${escape(path)}</code></div>
<p>${escape(op.summary ?? '')}</p>${op.description ? `<p>${escape(op.description)}</p>` : ''}${paramTable}${body}${responses}
<p><small>Errors answer <code>application/problem+json</code> (see the Problem schema).</small></p></div>`;
      });
      return `<h2 id="tag-${escape(t)}">${escape(t)}</h2>${ops.join('')}`;
    })
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escape(doc.info.title)} — API reference</title><style>${STYLE}</style></head>
<body><nav><a href="/openapi.json"><strong>openapi.json</strong></a><br>${nav}</nav>
<main><h1>${escape(doc.info.title)}</h1><p>Version ${escape(doc.info.version)} · OpenAPI ${escape(doc.openapi)} · <a href="/openapi.json">download the document</a></p>
${sections || '<p>No routes are mounted yet.</p>'}</main></body></html>`;
}
