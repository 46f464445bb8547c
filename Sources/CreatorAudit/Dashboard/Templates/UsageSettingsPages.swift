// Usage and settings.
extension Templates {
    static let usage = """
        <header class="page-head"><div><h1>Usage</h1>
        <p class="muted">API requests by key over the last 30 days, and what {{organization_name}} tracks.</p></div></header>
        <div class="kpis">
          <article class="kpi"><h2 class="kpi-label">Requests, 30 days</h2><p class="kpi-value" id="requests-total">{{requests_total}}</p></article>
          <article class="kpi"><h2 class="kpi-label">API keys</h2><p class="kpi-value" id="key-count">{{key_count}}</p>
            <p class="muted small">{{enabled_key_count}} enabled</p></article>
          <article class="kpi"><h2 class="kpi-label">Members</h2><p class="kpi-value" id="member-count">{{member_count}}</p></article>
          <article class="kpi"><h2 class="kpi-label">Tracked accounts</h2><p class="kpi-value small-value">{{quota_words}}</p>
            <p class="muted small">Rate limit {{rate_limit}} requests a minute per key</p></article>
        </div>
        <section class="panel">
          <h2>Requests per day</h2>
          {{#chart}}{{{chart}}}{{/chart}}
          {{^has_keys}}<p class="empty">No API keys yet. <a href="/keys">Create one</a> to use the API.</p>{{/has_keys}}
          {{#has_keys}}
          <div class="table-scroll"><table class="table" id="usage-table">
            <thead><tr><th scope="col">Key</th><th scope="col">Status</th><th scope="col" class="num">Last 30 days</th>
              <th scope="col" class="num">Today</th><th scope="col">Last used</th></tr></thead>
            <tbody>{{#keys}}<tr><td>{{key_name}}<div class="muted small"><code>{{key_masked}}</code></div></td><td>{{key_status}}</td>
              <td class="num">{{key_total}}</td><td class="num">{{key_today}}</td><td>{{key_last_used}}</td></tr>{{/keys}}</tbody>
          </table></div>
          {{/has_keys}}
        </section>
        <section aria-labelledby="platforms-heading">
          <h2 id="platforms-heading">Per platform</h2>
          <div class="cards">
            {{#platforms}}<article class="card-account" data-platform="{{platform_key}}"><h3>{{platform_label}}</h3>
              <div class="facts"><dl><dt>Accounts</dt><dd>{{platform_accounts}}</dd></dl>
                <dl><dt>Account videos</dt><dd>{{platform_account_videos}}</dd></dl>
                <dl><dt>Individual videos</dt><dd>{{platform_individual_videos}}</dd></dl></div></article>{{/platforms}}
          </div>
        </section>
        """

    static let settings = """
        <header class="page-head"><div><h1>Settings</h1><p class="muted">{{organization_name}}'s name and scraping defaults.</p></div></header>
        {{#notice}}<p class="notice" role="status">{{notice}}</p>{{/notice}}
        {{^can_manage}}<p class="notice">You are a <strong>member</strong> of this organization: you can see its settings but not change them.</p>{{/can_manage}}
        <section class="panel">
          <h2>Organization</h2>
          {{#can_manage}}
          <form method="post" action="/settings" class="stack" id="settings-form">
            <input type="hidden" name="csrf_token" value="{{csrf}}">
            <label>Name <input type="text" name="name" value="{{org_name}}" required maxlength="255"></label>
            <fieldset class="stack">
              <legend>Scraping defaults for accounts without their own</legend>
              <label>Recent posts read per refresh <input type="number" name="max_recent_posts_per_account" min="1" max="500" value="{{max_recent}}" required></label>
              <label>Post age limit <select name="post_lookback_days">
                {{#lookbacks}}<option value="{{lookback_days}}"{{#lookback_selected}} selected{{/lookback_selected}}>{{lookback_label}}</option>{{/lookbacks}}
              </select></label>
            </fieldset>
            <button type="submit" class="button primary" id="save-settings">Save settings</button>
          </form>
          {{/can_manage}}
          {{^can_manage}}
          <div class="facts"><dl><dt>Name</dt><dd>{{org_name}}</dd></dl><dl><dt>Recent posts read per refresh</dt><dd>{{max_recent}}</dd></dl>
            <dl><dt>Post age limit</dt><dd>{{lookback_words}}</dd></dl></div>
          {{/can_manage}}
          <p class="muted small">Each account is refreshed at its own interval (every 24 hours unless its page says otherwise).</p>
        </section>
        <section class="panel">
          <h2>Limits</h2>
          <div class="facts">
            <dl><dt>API rate limit</dt><dd id="rate-limit">{{rate_limit}} requests a minute per key</dd></dl>
            <dl><dt>Account quota</dt><dd id="account-quota">{{quota}}</dd></dl>
          </div>
          <p class="muted small">The operator sets these (<code>creatoraudit org set</code>); they are read-only here.</p>
        </section>
        {{#can_manage}}
        <section class="panel" id="invitations">
          <h2>Open invitations</h2>
          {{> invitation-list}}
          <p class="muted small">Invite people on the <a href="/members">Members</a> page.</p>
        </section>
        {{/can_manage}}
        """

    /// Open invitations with a revoke button (settings and members pages; `return_to` says which).
    static let invitationList = """
        {{#has_pending}}
        <ul class="plain invitations">{{#pending}}<li>{{invitation_email}} · {{invitation_role}} · by {{invited_by}} · expires {{invitation_expires}}
          <form method="post" action="/settings/invitations/{{invitation_id}}/revoke" class="inline">
            <input type="hidden" name="csrf_token" value="{{csrf}}"><input type="hidden" name="return_to" value="{{invitations_return}}">
            <button type="submit" class="button small danger" aria-label="Revoke the invitation of {{invitation_email}}">Revoke</button></form></li>{{/pending}}</ul>
        {{/has_pending}}
        {{^has_pending}}<p class="empty">No open invitations.</p>{{/has_pending}}
        """
}
