// "Use with AI agents" on the API keys page and on the show-once page (docs/mcp.md): the MCP server's URL and
// configuration for Claude Code, Codex and VS Code. On the keys page the key is a placeholder; only the show-once
// page, which already shows the new key, fills it in. VS Code's snippet always prompts for the key, so the key is
// never written into a project file that might be committed.
extension Templates {
    static let mcpCard = """
        <section class="panel mcp-card" id="mcp">
          <h2>Use with AI agents</h2>
          <p class="muted">Agents that speak the Model Context Protocol — Claude Code, Codex, VS Code and others —
          can use every API endpoint as a tool, with the key's scopes and this organization's data only. A
          <strong>read</strong> key is enough to ask questions; tracking and deleting need <strong>write</strong>.</p>
          {{^mcp_has_key}}
          <p class="muted">Replace <code>YOUR_API_KEY</code> with a key of this organization.</p>
          {{/mcp_has_key}}
          {{#mcp_has_key}}<p class="muted">These snippets contain the new key: paste them now.</p>{{/mcp_has_key}}
          <div class="secret-row">
            <span>Server URL</span> <code id="mcp-url" class="snippet-inline">{{mcp_url}}</code>
            <button type="button" class="button small copy" data-copy="mcp-url" hidden>Copy</button>
          </div>
          <h3>Claude Code</h3>
          <div class="snippet-row">
            <pre class="snippet" id="mcp-claude">claude mcp add --transport http creatoraudit {{mcp_url}} \\
          --header "Authorization: Bearer {{mcp_key}}"</pre>
            <button type="button" class="button small copy" data-copy="mcp-claude" hidden>Copy</button>
          </div>
          <h3>Codex</h3>
          <p class="muted">Export the key, then add the server to <code>~/.codex/config.toml</code>:</p>
          <div class="snippet-row">
            <pre class="snippet" id="mcp-codex-env">export CREATORAUDIT_API_KEY="{{mcp_key}}"</pre>
            <button type="button" class="button small copy" data-copy="mcp-codex-env" hidden>Copy</button>
          </div>
          <div class="snippet-row">
            <pre class="snippet" id="mcp-codex">[mcp_servers.creatoraudit]
        url = "{{mcp_url}}"
        bearer_token_env_var = "CREATORAUDIT_API_KEY"</pre>
            <button type="button" class="button small copy" data-copy="mcp-codex" hidden>Copy</button>
          </div>
          <h3>VS Code</h3>
          <p class="muted"><code>.vscode/mcp.json</code> — VS Code asks for the key once and keeps it out of the
          file:</p>
          <div class="snippet-row">
            <pre class="snippet" id="mcp-vscode">{
          "inputs": [
            {
              "type": "promptString", "id": "creatoraudit-key",
              "description": "CreatorAudit API key", "password": true
            }
          ],
          "servers": {
            "creatoraudit": {
              "type": "http",
              "url": "{{mcp_url}}",
              "headers": { "Authorization": "Bearer ${input:creatoraudit-key}" }
            }
          }
        }</pre>
            <button type="button" class="button small copy" data-copy="mcp-vscode" hidden>Copy</button>
          </div>
          <p class="muted">If a client keeps <code>Authorization</code> for its own sign-in, send the key as
          <code>x-creatoraudit-api-key</code> instead. Never put a key in the URL: the server refuses it.</p>
        </section>
        """
}
