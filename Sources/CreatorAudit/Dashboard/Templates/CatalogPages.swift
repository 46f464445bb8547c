// Creators (table, page, delete confirmation) and videos (tables, page, delete confirmation).
extension Templates {
    static let creators = """
        <header class="page-head"><div><h1>Creators</h1>
        <p class="muted">People and brands behind several accounts. Pausing a creator pauses its accounts.</p></div></header>
        {{#notice}}<p class="notice" role="status">{{notice}}</p>{{/notice}}
        {{> range-picker}}
        {{#can_manage}}<form method="post" action="/creators/bulk" id="bulk-form">
        <input type="hidden" name="csrf_token" value="{{csrf}}"><input type="hidden" name="return_to" value="{{return_to}}">{{/can_manage}}
        <section class="panel flush">
          <div class="table-scroll">{{#can_manage}}<span id="select-label" class="visually-hidden">Select</span>{{/can_manage}}
          <table class="table data" id="creators-table">
            <thead><tr>
              {{#can_manage}}<th scope="col" class="select"><span class="visually-hidden">Select</span></th>{{/can_manage}}
              {{> column-headers}}
              {{#can_manage}}<th scope="col"><span class="visually-hidden">Actions</span></th>{{/can_manage}}
            </tr></thead>
            <tbody>
            {{#rows}}<tr data-creator="{{creator_name}}">
              {{#can_manage}}<td class="select"><input type="checkbox" name="id" value="{{id}}" id="select-{{id}}" aria-labelledby="select-label row-{{id}}"><span id="row-{{id}}" class="visually-hidden">{{creator_name}}</span></td>{{/can_manage}}
              {{#cells}}<td class="{{#cell_numeric}}num{{/cell_numeric}}" data-col="{{cell_key}}">{{> cell}}</td>{{/cells}}
              {{#can_manage}}<td class="row-actions">{{#is_active}}<button type="submit" class="button small" formaction="/creators/{{id}}/pause" aria-label="Pause {{creator_name}}">Pause</button>{{/is_active}}{{^is_active}}<button type="submit" class="button small" formaction="/creators/{{id}}/resume" aria-label="Resume {{creator_name}}">Resume</button>{{/is_active}}</td>{{/can_manage}}
            </tr>{{/rows}}
            {{^has_rows}}<tr><td colspan="{{column_count}}" class="empty">No creators yet.</td></tr>{{/has_rows}}
            </tbody>
          </table>
          </div>
          <div class="table-foot">
            {{#can_manage}}<button type="submit" class="button danger small" name="action" value="delete" id="delete-selected">Delete selected…</button>{{/can_manage}}
            {{> pager}}
          </div>
        </section>
        {{#can_manage}}</form>
        <section class="panel" id="add-creator">
          <h2>Create a creator</h2>
          <form method="post" action="/creators/add" class="create-key">
            <input type="hidden" name="csrf_token" value="{{csrf}}">
            <label>Name <input type="text" name="name" required maxlength="255" placeholder="e.g. Maya Chen"></label>
            <button type="submit" class="button primary" id="create-creator">Create creator</button>
          </form>
        </section>
        {{/can_manage}}
        """

    static let creatorsDelete = """
        <h1>Delete {{count_words}}?</h1>
        <section class="panel">
          <p>These creators are deleted. Their accounts stay tracked, without a creator.</p>
          <ul class="plain" id="delete-list">{{#creators}}<li><strong>{{creator_name}}</strong> <span class="muted">{{linked_words}}</span></li>{{/creators}}</ul>
          <form method="post" action="/creators/delete" class="buttons">
            <input type="hidden" name="csrf_token" value="{{csrf}}">
            {{#creators}}<input type="hidden" name="id" value="{{id}}">{{/creators}}
            <button type="submit" class="button danger" id="confirm-delete">Delete {{count_words}}</button>
            <a class="button ghost" href="/creators">Cancel</a>
          </form>
        </section>
        """

    static let creatorDetail = """
        <p class="crumbs"><a href="/creators">Creators</a> /</p>
        <header class="page-head wrap"><div>
          <h1 id="creator-name">{{creator_name}}</h1>
          <p class="muted"><span class="badge {{status_class}}" id="creator-status">{{status_label}}</span> · {{account_words}}</p>
        </div>
        {{#can_manage}}<div class="buttons">
          <form method="post" action="/creators/{{creator_id}}/{{#is_active}}pause{{/is_active}}{{^is_active}}resume{{/is_active}}">
            <input type="hidden" name="csrf_token" value="{{csrf}}"><input type="hidden" name="return_to" value="{{return_to}}">
            <button type="submit" class="button" id="toggle-active">{{#is_active}}Pause{{/is_active}}{{^is_active}}Resume{{/is_active}}</button></form>
          <a class="button danger" href="/creators/{{creator_id}}/delete">Delete…</a>
        </div>{{/can_manage}}
        </header>
        {{#notice}}<p class="notice" role="status">{{notice}}</p>{{/notice}}
        {{> range-picker}}
        <div class="kpis">
          {{#metrics}}<article class="kpi" data-metric="{{metric}}" data-value="{{metric_raw}}"><h2 class="kpi-label">{{metric_label}}</h2>
            <p class="kpi-value">{{metric_text}}</p>
            <p class="change {{change_class}}"><span aria-hidden="true">{{change_text}}</span><span class="visually-hidden">{{change_label}}</span></p></article>{{/metrics}}
        </div>
        <section class="panel"><h2>Views per day by account</h2>{{{chart}}}</section>
        <section aria-labelledby="accounts-heading">
          <h2 id="accounts-heading">Accounts</h2>
          {{#has_cards}}<div class="cards">
          {{#cards}}<article class="card-account" data-account="{{username}}">
            <h3><a href="/accounts/{{account_id}}">@{{username}}</a> <span class="badge muted">{{platform_label}}</span></h3>
            <p><span class="badge {{status_class}}">{{status_label}}</span> <span class="muted small">{{fresh_text}}</span></p>
            <div class="facts"><dl><dt>Followers</dt><dd>{{followers}}</dd></dl><dl><dt>Views in range</dt><dd>{{views_range}}</dd></dl>
              <dl><dt>Engagement</dt><dd>{{rate_range}}</dd></dl></div>
            {{#can_manage}}<form method="post" action="/creators/{{creator_id}}/accounts/{{account_id}}/remove">
              <input type="hidden" name="csrf_token" value="{{csrf}}">
              <button type="submit" class="button small" aria-label="Remove @{{username}} from {{creator_name}}">Remove</button></form>{{/can_manage}}
          </article>{{/cards}}
          </div>{{/has_cards}}
          {{^has_cards}}<p class="empty">No accounts linked yet.</p>{{/has_cards}}
        </section>
        {{#can_manage}}
        <div class="split">
        <section class="panel" id="link-account">
          <h2>Add an account</h2>
          {{#has_candidates}}
          <form method="post" action="/creators/{{creator_id}}/accounts" class="inline wrap">
            <input type="hidden" name="csrf_token" value="{{csrf}}">
            <label>Account <select name="account_id" id="link-account-select">{{#candidates}}<option value="{{candidate_id}}">{{candidate_label}}</option>{{/candidates}}</select></label>
            <button type="submit" class="button small" id="link-account-button">Link</button>
          </form>
          {{/has_candidates}}
          {{^has_candidates}}<p class="empty">Every account already has a creator.</p>{{/has_candidates}}
        </section>
        <section class="panel">
          <h2>Rename</h2>
          <form method="post" action="/creators/{{creator_id}}/rename" class="inline wrap">
            <input type="hidden" name="csrf_token" value="{{csrf}}">
            <label>Name <input type="text" name="name" value="{{creator_name}}" required maxlength="255"></label>
            <button type="submit" class="button small" id="rename-creator">Rename</button>
          </form>
        </section>
        </div>
        {{/can_manage}}
        """

    static let videos = """
        <header class="page-head"><div><h1>{{heading}}</h1><p class="muted">{{intro}}</p></div></header>
        {{#notice}}<p class="notice" role="status">{{notice}}</p>{{/notice}}
        {{#account_filter}}<p class="notice">Videos of <strong>{{account_filter}}</strong> · <a href="{{account_filter_clear}}">show every account</a></p>{{/account_filter}}
        <form method="get" action="{{list_path}}" class="filters" role="search" aria-label="Filter videos">
          <label>Search <input type="search" name="q" value="{{q}}" placeholder="Caption" maxlength="128"></label>
          <label>Platform <select name="platform"><option value="">All platforms</option>
            {{#platforms}}<option value="{{platform_value}}"{{#platform_selected}} selected{{/platform_selected}}>{{platform_label}}</option>{{/platforms}}
          </select></label>
          {{> table-options}}
        </form>
        {{> range-picker}}
        <section class="panel flush">
          <div class="table-scroll">
          <table class="table data" id="videos-table">
            <thead><tr>
              {{> column-headers}}
            </tr></thead>
            <tbody>
            {{#rows}}<tr>{{#cells}}<td class="{{#cell_numeric}}num{{/cell_numeric}}{{#cell_muted}} muted{{/cell_muted}}" data-col="{{cell_key}}">{{> cell}}</td>{{/cells}}</tr>{{/rows}}
            {{^has_rows}}<tr><td colspan="{{column_count}}" class="empty">No videos match.</td></tr>{{/has_rows}}
            </tbody>
          </table>
          </div>
          <div class="table-foot">{{> pager}}</div>
        </section>
        {{#is_individual}}{{#can_manage}}
        <section class="panel" id="add-video">
          <h2>Track a video</h2>
          <form method="post" action="/videos/add" class="create-key">
            <input type="hidden" name="csrf_token" value="{{csrf}}">
            <label>Platform <select name="platform" required>{{#platforms}}<option value="{{platform_value}}">{{platform_label}}</option>{{/platforms}}</select></label>
            <label class="grow">Video URL, shortcode or id <input type="text" name="identifier" required maxlength="2048"
              placeholder="https://www.instagram.com/reel/…" autocomplete="off"></label>
            <button type="submit" class="button primary" id="add-video-button">Track video</button>
          </form>
        </section>
        {{/can_manage}}{{/is_individual}}
        """

    static let videoDetail = """
        <p class="crumbs"><a href="{{list_href}}">{{list_label}}</a> /</p>
        <header class="page-head wrap"><div>
          <h1 class="video-title">{{caption}}</h1>
          <p class="muted"><span class="badge muted">{{platform_label}}</span> {{source_label}}
            {{#account_href}}· <a href="{{account_href}}">{{account_label}}</a>{{/account_href}}{{^account_href}}{{#account_label}}· {{account_label}}{{/account_label}}{{/account_href}}
            · published {{published}} · <span class="badge {{status_class}}">{{status_label}}</span>
            · <span id="freshness"{{#fresh_pending}} class="pending"{{/fresh_pending}}>{{fresh_text}}</span>
            {{#url}}· <a href="{{url}}" rel="noopener noreferrer">open on {{platform_label}}</a>{{/url}}</p>
        </div>
        {{#is_individual}}{{#can_manage}}<div class="buttons">
          <form method="post" action="/videos/{{video_id}}/{{#is_active}}pause{{/is_active}}{{^is_active}}resume{{/is_active}}">
            <input type="hidden" name="csrf_token" value="{{csrf}}">
            <button type="submit" class="button" id="toggle-active">{{#is_active}}Pause{{/is_active}}{{^is_active}}Resume{{/is_active}}</button></form>
          <a class="button danger" href="/videos/{{video_id}}/delete">Delete…</a>
        </div>{{/can_manage}}{{/is_individual}}
        </header>
        {{#notice}}<p class="notice" role="status">{{notice}}</p>{{/notice}}
        {{#description}}<details class="caption"><summary>Caption</summary><p>{{description}}</p></details>{{/description}}
        <section class="panel">
          <h2>Latest counters</h2>
          {{^has_counters}}<p class="empty">Not refreshed yet: the counters appear after the first refresh.</p>{{/has_counters}}
          <div class="facts" id="latest-counters">{{#latest}}<dl data-counter="{{counter}}"><dt>{{counter_label}}</dt><dd>{{counter_text}}</dd></dl>{{/latest}}</div>
        </section>
        {{> range-picker}}
        <div class="metrics">
          {{#in_range}}<div class="metric" data-metric="{{metric}}" data-value="{{metric_raw}}"><span class="metric-label">{{metric_label}} in range</span>
            <strong class="metric-value">{{metric_text}}</strong></div>{{/in_range}}
        </div>
        <div class="charts">
          {{#charts}}<section class="panel"><h2>{{chart_title}}</h2>{{{chart_html}}}</section>{{/charts}}
        </div>
        """

    static let videoDelete = """
        <h1>Delete this video?</h1>
        <section class="panel">
          <p><strong>{{caption}}</strong> stops being tracked, and its history is deleted. This cannot be undone.</p>
          <form method="post" action="/videos/{{video_id}}/delete" class="buttons">
            <input type="hidden" name="csrf_token" value="{{csrf}}">
            <button type="submit" class="button danger" id="confirm-delete">Delete the video</button>
            <a class="button ghost" href="/videos/{{video_id}}">Cancel</a>
          </form>
        </section>
        """
}
