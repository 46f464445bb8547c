// The API keys page (README, "Dashboard") and its steps: show-once, delete confirmation, roll.
extension Templates {
    static let keyRow = """
        <article class="key{{#disabled}} is-disabled{{/disabled}}" id="key-{{id}}" data-key-name="{{name}}">
          <div class="key-main">
            <div class="key-head">
              <h3 class="key-name">{{name}}</h3>
              {{#expired}}<span class="badge warn">expired</span>{{/expired}}
              {{#disabled}}<span class="badge muted">disabled</span>{{/disabled}}
            </div>
            <code class="masked">{{masked}}</code>
            <div class="facts">
              <dl><dt>Scopes</dt><dd>{{scopes}}</dd></dl>
              <dl><dt>Created</dt><dd>{{created}} by {{created_by}}</dd></dl>
              <dl><dt>Last used</dt><dd>{{last_used}}</dd></dl>
              <dl><dt>Expires</dt><dd>{{expires}}</dd></dl>
            </div>
          </div>
          <figure class="usage">
            {{{chart}}}
            <figcaption>{{requests_30d}} in 30 days</figcaption>
          </figure>
          {{#can_manage}}
          <div class="key-actions">
            <form method="post" action="/keys/{{id}}/rename" class="inline rename">
              <input type="hidden" name="csrf_token" value="{{csrf}}">
              <label class="visually-hidden" for="name-{{id}}">New name</label>
              <input id="name-{{id}}" type="text" name="name" value="{{name}}" maxlength="100" required>
              <button type="submit" class="button small">Rename</button>
            </form>
            <div class="buttons">
              {{#disabled}}
              <form method="post" action="/keys/{{id}}/enable"><input type="hidden" name="csrf_token" value="{{csrf}}">
                <button type="submit" class="button small">Re-enable</button></form>
              {{/disabled}}
              {{^disabled}}
              <form method="post" action="/keys/{{id}}/disable"><input type="hidden" name="csrf_token" value="{{csrf}}">
                <button type="submit" class="button small">Disable</button></form>
              {{/disabled}}
              <a class="button small" href="/keys/{{id}}/roll">Roll…</a>
              <a class="button small danger" href="/keys/{{id}}/delete">Delete…</a>
            </div>
          </div>
          {{/can_manage}}
        </article>
        """

    static let keys = """
        <header class="page-head">
          <div>
            <h1>API keys</h1>
            <p class="muted">Keys give programs access to {{organization_name}} through the API. Treat them like passwords.</p>
          </div>
        </header>
        {{#notice}}<p class="notice" role="status">{{notice}}</p>{{/notice}}
        {{^can_manage}}<p class="notice">You are a <strong>member</strong> of this organization: you can see its keys but not change them.</p>{{/can_manage}}
        {{#can_manage}}
        <section class="panel">
          <h2>Create a key</h2>
          <form method="post" action="/keys" class="create-key">
            <input type="hidden" name="csrf_token" value="{{csrf}}">
            <label>Name <input type="text" name="name" maxlength="100" required placeholder="e.g. Reporting pipeline"></label>
            <fieldset class="scopes">
              <legend>Scopes</legend>
              <label><input type="checkbox" name="scopes" value="read" checked> read</label>
              <label><input type="checkbox" name="scopes" value="write" checked> write</label>
              <label><input type="checkbox" name="scopes" value="admin" checked> admin</label>
            </fieldset>
            <label>Expires
              <select name="expires_in">
                <option value="">never</option>
                <option value="7">in 7 days</option>
                <option value="30">in 30 days</option>
                <option value="90">in 90 days</option>
                <option value="365">in 1 year</option>
              </select>
            </label>
            <button type="submit" class="button primary" id="create-key">Create key</button>
          </form>
        </section>
        {{/can_manage}}
        <section class="keys" id="enabled-keys">
          <h2>Enabled <span class="count">{{enabled_count}}</span></h2>
          {{#enabled}}{{> key-row}}{{/enabled}}
          {{^enabled}}<p class="empty">No enabled keys.</p>{{/enabled}}
        </section>
        <section class="keys" id="disabled-keys">
          <h2>Disabled <span class="count">{{disabled_count}}</span></h2>
          {{#disabled_keys}}{{> key-row}}{{/disabled_keys}}
          {{^disabled_keys}}<p class="empty">No disabled keys.</p>{{/disabled_keys}}
        </section>
        """

    static let keyCreated = """
        {{#shown}}
        <h1>{{heading}}</h1>
        <section class="panel secret-panel">
          <p class="warning" role="alert"><strong>Copy this key now.</strong> It will not be shown again: CreatorAudit stores
          only a hash of it. If you lose it, roll or delete the key and create a new one.</p>
          <div class="secret-row">
            <code id="new-key" class="secret">{{secret}}</code>
            <button type="button" class="button copy" data-copy="new-key" hidden>Copy</button>
          </div>
          <div class="facts">
            <dl><dt>Name</dt><dd id="new-key-name">{{name}}</dd></dl>
            <dl><dt>Scopes</dt><dd>{{scopes}}</dd></dl>
            <dl><dt>Expires</dt><dd>{{expires}}</dd></dl>
          </div>
          {{#old_expires}}<p class="muted">The previous key keeps working until {{old_expires}}.</p>{{/old_expires}}
        </section>
        {{/shown}}
        {{^shown}}
        <h1>Key no longer shown</h1>
        <p class="notice" id="gone">A new key is shown only once, right after it is created. It cannot be shown again.</p>
        {{/shown}}
        <p><a class="button" href="/keys" id="back-to-keys">Back to API keys</a></p>
        """

    static let keyDelete = """
        <h1>Delete “{{name}}”?</h1>
        <section class="panel">
          <p>Deleting <code>{{masked}}</code> is permanent: every request that uses it is refused from now on.</p>
          {{#recently_used}}<p class="warning" role="alert" id="recent-use-warning"><strong>This key was used in the last 24 hours</strong>
          (last at {{last_used}}). Something may still depend on it; consider disabling it first.</p>{{/recently_used}}
          <form method="post" action="/keys/{{id}}/delete" class="buttons">
            <input type="hidden" name="csrf_token" value="{{csrf}}">
            <button type="submit" class="button danger" id="confirm-delete">Delete the key</button>
            <a class="button ghost" href="/keys">Cancel</a>
          </form>
        </section>
        """

    static let keyRoll = """
        <h1>Roll “{{name}}”</h1>
        <section class="panel">
          <p>Rolling creates a new key with the same name and scopes. The current key <code>{{masked}}</code> keeps working for the
          overlap you choose, then expires — time to deploy the new one.</p>
          <form method="post" action="/keys/{{id}}/roll" class="stack">
            <input type="hidden" name="csrf_token" value="{{csrf}}">
            <label>Overlap
              <select name="overlap_hours">
                <option value="0">none: the current key stops now</option>
                <option value="1">1 hour</option>
                <option value="24" selected>24 hours</option>
                <option value="72">3 days</option>
                <option value="168">7 days</option>
              </select>
            </label>
            <div class="buttons">
              <button type="submit" class="button primary">Roll the key</button>
              <a class="button ghost" href="/keys">Cancel</a>
            </div>
          </form>
        </section>
        """
}
