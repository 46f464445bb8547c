// The pieces every data page shares (the range selector, a table cell, the pager, the filter bar's column picker) and
// the overview.
extension Templates {
    static let rangePicker = """
        <div class="range-picker">
          <nav class="segmented" aria-label="Date range">
            {{#presets}}<a href="{{preset_href}}"{{#preset_current}} class="current" aria-current="true"{{/preset_current}}>{{preset_label}}</a>{{/presets}}
          </nav>
          <details class="custom-range"{{#custom_current}} open{{/custom_current}}>
            <summary>Custom range</summary>
            <form method="get" action="{{range_path}}">
              {{#keep}}<input type="hidden" name="{{keep_name}}" value="{{keep_value}}">{{/keep}}
              <input type="hidden" name="period" value="custom">
              <label>From <input type="date" name="start_date" value="{{custom_start}}" max="{{custom_max}}" required></label>
              <label>To <input type="date" name="end_date" value="{{custom_end}}" max="{{custom_max}}" required></label>
              <button type="submit" class="button small">Apply</button>
            </form>
          </details>
          <p class="range-label"><span class="muted">Showing</span> <strong id="range-label">{{range_label}}</strong></p>
        </div>
        {{#has_range_errors}}
        <div class="notice error" role="alert" id="range-errors">That range could not be used, so the default is shown:
          <ul>{{#range_errors}}<li><strong>{{range_field}}</strong> {{range_message}}</li>{{/range_errors}}</ul></div>
        {{/has_range_errors}}
        """

    static let cell = """
        {{#cell_href}}<a href="{{cell_href}}">{{cell_text}}</a>{{/cell_href}}{{^cell_href}}{{#cell_badge_class}}<span class="badge {{cell_badge_class}}">{{cell_text}}</span>{{/cell_badge_class}}{{^cell_badge_class}}{{cell_text}}{{/cell_badge_class}}{{/cell_href}}{{#cell_badge}} <span class="badge muted">{{cell_badge}}</span>{{/cell_badge}}{{#cell_sub}}<div class="muted small">{{cell_sub}}</div>{{/cell_sub}}
        """

    /// A data table's column headers: sortable ones link to the same page sorted by them (`aria-sort` says how).
    static let columnHeaders = """
        {{#headers}}<th scope="col" class="{{#col_numeric}}num{{/col_numeric}}" aria-sort="{{col_aria_sort}}" data-col="{{col_key}}">{{#col_sortable}}<a href="{{col_href}}" title="{{col_sort_hint}}">{{col_label}}<span class="arrow" aria-hidden="true">{{col_arrow}}</span></a>{{/col_sortable}}{{^col_sortable}}{{col_label}}{{/col_sortable}}</th>{{/headers}}
        """

    static let pager = """
        <nav class="pager" aria-label="Pages">
          {{#first_href}}<a class="button small" href="{{first_href}}" id="first-page">« First</a>{{/first_href}}
          {{#previous_href}}<a class="button small" href="{{previous_href}}" rel="prev" id="previous-page">← Previous</a>{{/previous_href}}
          <span class="muted small" id="page-summary">{{page_summary}}</span>
          {{#next_href}}<a class="button small" href="{{next_href}}" rel="next" id="next-page">Next →</a>{{/next_href}}
        </nav>
        """

    /// Inside a filter form: page size and the column picker (remembered in the URL as `col=`).
    static let tableOptions = """
        <label>Per page <select name="limit">{{#page_sizes}}<option value="{{size}}"{{#size_selected}} selected{{/size_selected}}>{{size}}</option>{{/page_sizes}}</select></label>
        <details class="columns">
          <summary>Columns</summary>
          <fieldset>
            <legend class="visually-hidden">Columns to show</legend>
            {{#column_choices}}<label class="check"><input type="checkbox" name="col" value="{{choice_key}}"{{#choice_checked}} checked{{/choice_checked}}> {{choice_label}}</label>{{/column_choices}}
          </fieldset>
        </details>
        {{#hidden_sort}}<input type="hidden" name="{{hidden_name}}" value="{{hidden_value}}">{{/hidden_sort}}
        <button type="submit" class="button" id="apply-filters">Apply</button>
        """

    static let overview = """
        <header class="page-head"><div><h1>Overview</h1>
        <p class="muted">How {{organization_name}}'s tracked accounts and videos performed.</p></div></header>
        {{> range-picker}}
        <section aria-labelledby="kpi-heading">
          <h2 id="kpi-heading" class="visually-hidden">Key figures</h2>
          <div class="kpis">
            {{#cards}}
            <article class="kpi" data-kpi="{{kpi}}" data-value="{{kpi_raw}}">
              <h3 class="kpi-label">{{kpi_label}}</h3>
              <p class="kpi-value">{{kpi_text}}</p>
              <p class="change {{change_class}}"><span aria-hidden="true">{{change_text}}</span><span class="visually-hidden">{{change_label}}</span></p>
              {{{sparkline}}}
            </article>
            {{/cards}}
          </div>
        </section>
        <section class="panel">
          <h2>Performance</h2>
          {{{chart}}}
        </section>
        <div class="split">
          <section class="panel">
            <h2>Top creators</h2>
            {{#has_top_creators}}
            <div class="table-scroll"><table class="table" id="top-creators">
              <thead><tr><th scope="col">#</th><th scope="col">Creator</th><th scope="col" class="num">Views</th>
                <th scope="col" class="num">Engagement</th><th scope="col" class="num">Follower growth</th></tr></thead>
              <tbody>{{#top_creators}}<tr><td>{{rank}}</td><td><a href="/creators/{{creator_id}}">{{creator_name}}</a></td>
                <td class="num">{{creator_views}}</td><td class="num">{{creator_rate}}</td><td class="num">{{creator_growth}}</td></tr>{{/top_creators}}</tbody>
            </table></div>
            {{/has_top_creators}}
            {{^has_top_creators}}<p class="empty">No creators yet. <a href="/creators">Create one</a> to group accounts.</p>{{/has_top_creators}}
          </section>
          <section class="panel">
            <h2>Recent videos</h2>
            {{#has_recent_videos}}
            <ul class="video-list" id="recent-videos">
              {{#recent_videos}}<li><a href="{{video_href}}">{{video_caption}}</a>
                <div class="muted small">{{video_platform}} {{video_account}} · {{video_published}} · {{video_views}} views</div></li>{{/recent_videos}}
            </ul>
            {{/has_recent_videos}}
            {{^has_recent_videos}}<p class="empty">No videos yet. Add an <a href="/accounts">account</a> or a <a href="/videos">video</a>.</p>{{/has_recent_videos}}
          </section>
        </div>
        """
}
