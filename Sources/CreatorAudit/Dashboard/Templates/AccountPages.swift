// The accounts table, an account's page and the delete confirmation.
extension Templates {
    static let accounts = """
        <header class="page-head"><div><h1>Accounts</h1>
        <p class="muted">Profiles {{organization_name}} tracks, with their figures over the range.</p></div></header>
        {{#notice}}<p class="notice" role="status">{{notice}}</p>{{/notice}}
        <form method="get" action="/accounts" class="filters" role="search" aria-label="Filter accounts">
          <label>Search <input type="search" name="q" value="{{q}}" placeholder="Username" maxlength="128"></label>
          <label>Platform <select name="platform"><option value="">All platforms</option>
            {{#platforms}}<option value="{{platform_value}}"{{#platform_selected}} selected{{/platform_selected}}>{{platform_label}}</option>{{/platforms}}
          </select></label>
          {{> table-options}}
        </form>
        {{> range-picker}}
        {{#can_manage}}<form method="post" action="/accounts/bulk" id="bulk-form">
        <input type="hidden" name="csrf_token" value="{{csrf}}"><input type="hidden" name="return_to" value="{{return_to}}">{{/can_manage}}
        <section class="panel flush">
          <div class="table-scroll">{{#can_manage}}<span id="select-label" class="visually-hidden">Select</span>{{/can_manage}}
          <table class="table data" id="accounts-table">
            <thead><tr>
              {{#can_manage}}<th scope="col" class="select"><span class="visually-hidden">Select</span></th>{{/can_manage}}
              {{> column-headers}}
              {{#can_manage}}<th scope="col"><span class="visually-hidden">Actions</span></th>{{/can_manage}}
            </tr></thead>
            <tbody>
            {{#rows}}<tr data-account="{{username}}">
              {{#can_manage}}<td class="select"><input type="checkbox" name="id" value="{{id}}" id="select-{{id}}" aria-labelledby="select-label row-{{id}}"><span id="row-{{id}}" class="visually-hidden">@{{username}}</span></td>{{/can_manage}}
              {{#cells}}<td class="{{#cell_numeric}}num{{/cell_numeric}}{{#cell_muted}} muted{{/cell_muted}}" data-col="{{cell_key}}">{{> cell}}</td>{{/cells}}
              {{#can_manage}}<td class="row-actions">{{#is_active}}<button type="submit" class="button small" formaction="/accounts/{{id}}/pause" aria-label="Pause @{{username}}">Pause</button>{{/is_active}}{{^is_active}}<button type="submit" class="button small" formaction="/accounts/{{id}}/resume" aria-label="Resume @{{username}}">Resume</button>{{/is_active}}</td>{{/can_manage}}
            </tr>{{/rows}}
            {{^has_rows}}<tr><td colspan="{{column_count}}" class="empty">No accounts match.</td></tr>{{/has_rows}}
            </tbody>
          </table>
          </div>
          <div class="table-foot">
            {{#can_manage}}<button type="submit" class="button danger small" name="action" value="delete" id="delete-selected">Delete selected…</button>{{/can_manage}}
            {{> pager}}
          </div>
        </section>
        {{#can_manage}}</form>{{/can_manage}}
        {{#can_manage}}
        <section class="panel" id="add-account">
          <h2>Add an account</h2>
          <form method="post" action="/accounts/add" class="create-key">
            <input type="hidden" name="csrf_token" value="{{csrf}}">
            <label>Platform <select name="platform" required>{{#platforms}}<option value="{{platform_value}}">{{platform_label}}</option>{{/platforms}}</select></label>
            <label>Username <input type="text" name="username" required maxlength="101" placeholder="e.g. maya.chen" autocomplete="off"></label>
            <label>Creator (optional) <select name="creator_id"><option value="">None</option>
              {{#creators}}<option value="{{creator_id}}">{{creator_name}}</option>{{/creators}}</select></label>
            <button type="submit" class="button primary" id="add-account-button">Add account</button>
          </form>
          <p class="muted small">Its first refresh is queued at once; until then its figures are 0.</p>
        </section>
        {{/can_manage}}
        """

    static let accountsDelete = """
        <h1>Delete {{count_words}}?</h1>
        <section class="panel">
          <p>These accounts stop being tracked. <strong>Their discovered videos and all their history are deleted with
          them</strong>; this cannot be undone. Videos you track one by one stay.</p>
          <ul class="plain" id="delete-list">{{#accounts}}<li><strong>@{{username}}</strong> <span class="muted">{{platform_label}}</span></li>{{/accounts}}</ul>
          <form method="post" action="/accounts/delete" class="buttons">
            <input type="hidden" name="csrf_token" value="{{csrf}}">
            {{#accounts}}<input type="hidden" name="id" value="{{id}}">{{/accounts}}
            <button type="submit" class="button danger" id="confirm-delete">Delete {{count_words}}</button>
            <a class="button ghost" href="/accounts">Cancel</a>
          </form>
        </section>
        """

    static let accountDetail = """
        <p class="crumbs"><a href="/accounts">Accounts</a> /</p>
        <header class="page-head wrap"><div>
          <h1>@{{username}} <span class="badge muted">{{platform_label}}</span>{{#is_verified}} <span class="badge">verified</span>{{/is_verified}}</h1>
          <p class="muted">{{#display_name}}{{display_name}} · {{/display_name}}<span class="badge {{status_class}}" id="account-status">{{status_label}}</span>
            · {{#creator_href}}Creator <a href="{{creator_href}}">{{creator_name}}</a>{{/creator_href}}{{^creator_href}}No creator{{/creator_href}}
            {{#category}}· {{category}}{{/category}} · <span id="freshness"{{#fresh_pending}} class="pending"{{/fresh_pending}}>{{fresh_text}}</span></p>
        </div>
        {{#can_manage}}<div class="buttons">
          <form method="post" action="/accounts/{{account_id}}/{{#is_active}}pause{{/is_active}}{{^is_active}}resume{{/is_active}}">
            <input type="hidden" name="csrf_token" value="{{csrf}}"><input type="hidden" name="return_to" value="{{return_to}}">
            <button type="submit" class="button" id="toggle-active">{{#is_active}}Pause{{/is_active}}{{^is_active}}Resume{{/is_active}}</button></form>
          <a class="button danger" href="/accounts/{{account_id}}/delete">Delete…</a>
        </div>{{/can_manage}}
        </header>
        {{#notice}}<p class="notice" role="status">{{notice}}</p>{{/notice}}
        {{> range-picker}}
        <section aria-labelledby="figures-heading">
          <h2 id="figures-heading" class="visually-hidden">Figures for the range</h2>
          <div class="metrics">
            {{#metrics}}<div class="metric" data-metric="{{metric}}" data-value="{{metric_raw}}"><span class="metric-label">{{metric_label}}</span>
              <strong class="metric-value">{{metric_text}}</strong>{{#metric_note}}<span class="muted small">{{metric_note}}</span>{{/metric_note}}</div>{{/metrics}}
          </div>
        </section>
        <div class="charts">
          {{#charts}}<section class="panel"><h2>{{chart_title}}</h2>{{{chart_html}}}</section>{{/charts}}
        </div>
        <section class="panel">
          <h2>Videos <span class="count">{{video_count_words}}</span></h2>
          {{> video-rows}}
          <p><a href="{{all_videos_href}}">All videos of this account, with search and sorting</a></p>
        </section>
        <div class="split">
        <section class="panel">
          <h2>Profile</h2>
          <div class="facts">{{#totals}}<dl><dt>{{total_label}}</dt><dd>{{total_value}}</dd></dl>{{/totals}}
            <dl><dt>Added</dt><dd>{{added}}</dd></dl></div>
        </section>
        <section class="panel" id="creator-link">
          <h2>Creator</h2>
          {{#can_manage}}
          <form method="post" action="/accounts/{{account_id}}/creator" class="inline wrap">
            <input type="hidden" name="csrf_token" value="{{csrf}}"><input type="hidden" name="return_to" value="{{return_to}}">
            <label>Linked to <select name="creator_id" id="creator-select"><option value="">No creator</option>
              {{#creator_choices}}<option value="{{choice_id}}"{{#choice_selected}} selected{{/choice_selected}}>{{choice_name}}</option>{{/creator_choices}}
            </select></label>
            <button type="submit" class="button small" id="save-creator">Save</button>
          </form>
          {{/can_manage}}
          {{^can_manage}}<p>{{#creator_href}}<a href="{{creator_href}}">{{creator_name}}</a>{{/creator_href}}{{^creator_href}}No creator{{/creator_href}}</p>{{/can_manage}}
        </section>
        </div>
        <section class="panel" id="scraping">
          <h2>Scraping</h2>
          <div class="facts">
            <dl><dt>Recent posts read</dt><dd id="effective-max-recent">{{effective_max_recent}}</dd></dl>
            <dl><dt>Post age limit</dt><dd id="effective-lookback">{{effective_lookback}}</dd></dl>
            <dl><dt>Refreshed</dt><dd>{{interval_words}}</dd></dl>
          </div>
          {{#can_manage}}
          <form method="post" action="/accounts/{{account_id}}/settings" class="create-key">
            <input type="hidden" name="csrf_token" value="{{csrf}}">
            <label>Recent posts per refresh <input type="number" name="max_recent_posts_per_account" min="1" max="500" value="{{max_recent}}" placeholder="{{org_max_recent}} (default)"></label>
            <label>Post age limit <select name="post_lookback_days">
              <option value=""{{#lookback_default_selected}} selected{{/lookback_default_selected}}>Organization default ({{org_lookback}})</option>
              {{#lookbacks}}<option value="{{lookback_days}}"{{#lookback_selected}} selected{{/lookback_selected}}>{{lookback_label}}</option>{{/lookbacks}}
            </select></label>
            <label>Refresh <select name="scrape_interval_hours">{{#intervals}}<option value="{{interval_hours}}"{{#interval_selected}} selected{{/interval_selected}}>{{interval_label}}</option>{{/intervals}}</select></label>
            <button type="submit" class="button" id="save-scraping">Save</button>
          </form>
          <p class="muted small">Empty fields follow the organization's defaults in <a href="/settings">Settings</a>.</p>
          {{/can_manage}}
        </section>
        """

    /// The videos of an account page (its own pager: `videos_after` / `videos_before`).
    static let videoRows = """
        {{#has_video_rows}}
        <div class="table-scroll"><table class="table data" id="account-videos">
          <thead><tr>{{#video_headers}}<th scope="col"{{#vh_numeric}} class="num"{{/vh_numeric}}>{{vh_label}}</th>{{/video_headers}}</tr></thead>
          <tbody>{{#video_rows}}<tr>{{#cells}}<td class="{{#cell_numeric}}num{{/cell_numeric}}{{#cell_muted}} muted{{/cell_muted}}" data-col="{{cell_key}}">{{> cell}}</td>{{/cells}}</tr>{{/video_rows}}</tbody>
        </table></div>
        <nav class="pager" aria-label="Pages of videos">
          {{#videos_previous_href}}<a class="button small" href="{{videos_previous_href}}" rel="prev">← Newer</a>{{/videos_previous_href}}
          {{#videos_next_href}}<a class="button small" href="{{videos_next_href}}" rel="next">Older →</a>{{/videos_next_href}}
        </nav>
        {{/has_video_rows}}
        {{^has_video_rows}}<p class="empty">No videos discovered yet.</p>{{/has_video_rows}}
        """
}
