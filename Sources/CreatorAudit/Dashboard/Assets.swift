// The dashboard's one stylesheet and one script, served by the app (no CDN). The script only enhances:
// it reveals and wires the copy buttons; every page works without it.
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

enum Assets {
    static func response(_ text: String, contentType: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = contentType
        headers[.cacheControl] = "public, max-age=3600"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static let icon = """
        <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#4f46e5"/>\
        <text x="16" y="21" font-family="system-ui, sans-serif" font-size="13" font-weight="700" fill="#fff" \
        text-anchor="middle">CA</text></svg>
        """

    static let script = """
        // Copy buttons: <button data-copy="ELEMENT_ID" hidden>. Shown only when this script runs.
        document.addEventListener("DOMContentLoaded", function () {
          document.querySelectorAll("button[data-copy]").forEach(function (button) {
            var target = document.getElementById(button.getAttribute("data-copy"));
            if (!target) { return; }
            button.hidden = false;
            button.addEventListener("click", function () {
              var text = target.textContent.trim();
              var done = function () {
                button.textContent = "Copied";
                button.classList.add("copied");
                setTimeout(function () { button.textContent = "Copy"; button.classList.remove("copied"); }, 2000);
              };
              if (navigator.clipboard && window.isSecureContext) {
                navigator.clipboard.writeText(text).then(done, function () { select(target); });
              } else {
                select(target);
                try { document.execCommand("copy"); done(); } catch (e) { /* selected; the user copies */ }
              }
            });
          });
          function select(element) {
            var range = document.createRange();
            range.selectNodeContents(element);
            var selection = window.getSelection();
            selection.removeAllRanges();
            selection.addRange(range);
          }
        });
        """

    static let stylesheet = """
        :root {
          --bg: #f6f7fb; --panel: #fff; --text: #1c2233; --muted: #667085; --line: #e4e7ec;
          --brand: #4f46e5; --brand-dark: #4338ca; --danger: #d92d20; --warn-bg: #fffaeb; --warn: #b54708;
          --ok: #027a48; --side: #111827; --side-text: #d0d5dd;
          font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
          font-size: 15px; color: var(--text); background: var(--bg);
        }
        * { box-sizing: border-box; }
        body { margin: 0; line-height: 1.45; }
        a { color: var(--brand); }
        h1 { font-size: 1.6rem; margin: 0 0 .3rem; }
        h2 { font-size: 1.1rem; margin: 0 0 .8rem; }
        h3 { font-size: 1rem; margin: 0; }
        code, .masked, .secret { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
        .muted { color: var(--muted); }
        .small { font-size: .85rem; }
        .nowrap { white-space: nowrap; }
        /* Hidden on screen, read by screen readers (clip-path rather than the deprecated clip). */
        .visually-hidden { position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; border: 0; overflow: hidden;
          clip-path: inset(50%); white-space: nowrap; }

        body.app { display: grid; grid-template-columns: 240px minmax(0, 1fr); min-height: 100vh; }
        .sidebar { background: var(--side); color: var(--side-text); padding: 1.2rem 1rem; display: flex; flex-direction: column; gap: 1.2rem; }
        .brand { display: flex; align-items: center; gap: .5rem; font-weight: 700; color: inherit; text-decoration: none; font-size: 1.05rem; }
        .sidebar .brand { color: #fff; }
        .logo { display: inline-grid; place-items: center; width: 2rem; height: 2rem; border-radius: .5rem; background: var(--brand); color: #fff; font-size: .8rem; }
        .org-label { display: block; font-size: .75rem; text-transform: uppercase; letter-spacing: .06em; color: #98a2b3; margin-bottom: .3rem; }
        .org-name { color: #fff; }
        .org-switch { display: flex; gap: .4rem; }
        .org-switch select { flex: 1; min-width: 0; }
        .sidebar nav { display: flex; flex-direction: column; gap: .15rem; }
        .sidebar nav a { color: var(--side-text); text-decoration: none; padding: .5rem .7rem; border-radius: .4rem; }
        .sidebar nav a:hover { background: #1f2937; color: #fff; }
        .sidebar nav a.active { background: var(--brand); color: #fff; }
        .me { margin-top: auto; display: flex; flex-wrap: wrap; align-items: center; gap: .4rem; font-size: .85rem; }
        .me .email { width: 100%; overflow-wrap: anywhere; color: #fff; }
        .content { padding: 2rem 2.4rem; max-width: 1100px; width: 100%; min-width: 0; }

        .page-head { display: flex; justify-content: space-between; align-items: flex-end; margin-bottom: 1.2rem; }
        .panel { background: var(--panel); border: 1px solid var(--line); border-radius: .7rem; padding: 1.2rem 1.4rem; margin-bottom: 1.4rem; }
        .notice { background: #eef4ff; border: 1px solid #c7d7fe; border-radius: .5rem; padding: .7rem 1rem; }
        .notice.error { background: #fef3f2; border-color: #fecdca; color: #912018; }
        .warning { background: var(--warn-bg); border: 1px solid #fedf89; color: var(--warn); border-radius: .5rem; padding: .7rem 1rem; }
        .empty { color: var(--muted); font-style: italic; }

        .button { display: inline-block; border: 1px solid var(--line); background: #fff; color: var(--text); border-radius: .45rem;
          padding: .5rem .9rem; font: inherit; cursor: pointer; text-decoration: none; line-height: 1.2; }
        .button:hover { border-color: #98a2b3; }
        .button.primary { background: var(--brand); border-color: var(--brand); color: #fff; }
        .button.primary:hover { background: var(--brand-dark); }
        .button.danger { color: var(--danger); border-color: #fda29b; }
        .button.ghost { background: transparent; }
        .sidebar .button.ghost { color: var(--side-text); border-color: #344054; }
        .button.small { padding: .3rem .6rem; font-size: .85rem; }
        .button.copied { color: var(--ok); border-color: #6ce9a6; }
        .badge { display: inline-block; font-size: .75rem; padding: .1rem .5rem; border-radius: 1rem; background: #eef4ff; color: var(--brand-dark); }
        .badge.muted { background: #f2f4f7; color: var(--muted); }
        .badge.warn { background: var(--warn-bg); color: var(--warn); }

        input[type=text], input[type=email], input[type=password], select {
          font: inherit; padding: .45rem .6rem; border: 1px solid #d0d5dd; border-radius: .4rem; background: #fff; color: var(--text); }
        label { display: flex; flex-direction: column; gap: .25rem; font-weight: 500; font-size: .9rem; }
        fieldset { border: 0; padding: 0; margin: 0; }
        legend { font-weight: 500; font-size: .9rem; margin-bottom: .25rem; }
        .scopes label { flex-direction: row; align-items: center; gap: .3rem; font-weight: 400; display: inline-flex; margin-right: .8rem; }
        .stack { display: flex; flex-direction: column; gap: .9rem; max-width: 28rem; }
        .create-key { display: flex; flex-wrap: wrap; gap: 1rem; align-items: flex-end; }
        .inline { display: inline-flex; gap: .4rem; align-items: center; }
        .buttons { display: flex; gap: .5rem; flex-wrap: wrap; align-items: center; }
        .buttons form { display: inline; }

        .keys h2 { display: flex; align-items: center; gap: .5rem; }
        .count { font-size: .8rem; background: #f2f4f7; color: var(--muted); border-radius: 1rem; padding: 0 .5rem; }
        .key { background: var(--panel); border: 1px solid var(--line); border-radius: .7rem; padding: 1rem 1.2rem; margin-bottom: .9rem;
          display: grid; grid-template-columns: 1fr 200px; gap: .8rem 1.4rem; }
        .key.is-disabled { background: #fafafa; }
        .key.is-disabled .key-name { color: var(--muted); }
        .key-head { display: flex; gap: .5rem; align-items: center; }
        .masked { display: inline-block; margin: .3rem 0 .5rem; background: #f2f4f7; padding: .15rem .45rem; border-radius: .3rem; }
        .facts { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: .3rem 1rem; margin: 0; }
        .facts dl { margin: 0; min-width: 0; }
        .facts dt { font-size: .75rem; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
        .facts dd { margin: 0; font-size: .9rem; }
        .usage { margin: 0; align-self: center; }
        .usage svg { width: 100%; height: auto; display: block; }
        .usage figcaption { font-size: .75rem; color: var(--muted); margin-top: .2rem; }
        .chart-bar { fill: var(--brand); }
        .chart-track { fill: #f2f4f7; }
        .chart-base { stroke: var(--line); }
        .key-actions { grid-column: 1 / -1; display: flex; flex-wrap: wrap; gap: .6rem 1.2rem; justify-content: space-between;
          border-top: 1px solid var(--line); padding-top: .8rem; }

        .secret-panel { border-color: #fedf89; }
        .secret-row { display: flex; gap: .6rem; align-items: center; margin: 1rem 0; flex-wrap: wrap; }
        .secret { font-size: 1.05rem; background: #101828; color: #fff; padding: .6rem .9rem; border-radius: .45rem; overflow-wrap: anywhere;
          user-select: all; }

        .table { width: 100%; border-collapse: collapse; }
        .table th { text-align: left; font-size: .75rem; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); font-weight: 600; }
        .table th, .table td { padding: .55rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
        .row-actions { display: flex; gap: .5rem; flex-wrap: wrap; }
        .pager { display: flex; gap: .8rem; align-items: center; justify-content: center; margin-top: 1rem; }
        ul.plain { padding-left: 1.1rem; }

        body.bare { display: grid; place-items: center; min-height: 100vh; padding: 1rem; }
        .card { background: var(--panel); border: 1px solid var(--line); border-radius: .8rem; padding: 2rem; box-shadow: 0 8px 24px rgba(16,24,40,.06); }
        .narrow { width: 100%; max-width: 26rem; }
        .card .brand { margin-bottom: 1.4rem; }
        .status-code { color: var(--muted); margin-top: 0; }
        .errors { color: #912018; }

        /* Data pages: KPI cards, charts, filters, tables (README, "Dashboard"). */
        .badge.ok { background: #ecfdf3; color: var(--ok); }
        .nav-rule { display: block; border-top: 1px solid #344054; margin: .5rem .2rem; }
        .crumbs { margin: 0 0 .3rem; font-size: .85rem; }
        .page-head.wrap { flex-wrap: wrap; gap: .8rem; }
        .page-head h1 .badge { vertical-align: middle; }
        .split { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(320px, 100%), 1fr)); gap: 0 1.4rem; }
        .panel.flush { padding: 0; overflow: hidden; }
        .panel.flush .table th:first-child, .panel.flush .table td:first-child { padding-left: 1.1rem; }
        .table-foot { display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: .6rem;
          padding: .7rem 1.1rem; }
        .table-foot .pager { margin: 0; margin-left: auto; }
        .table-scroll { overflow-x: auto; -webkit-overflow-scrolling: touch; position: relative; }
        .table.data td { white-space: nowrap; }
        .table.data th, .table.data td { padding: .5rem .45rem; }
        .table.data td.row-actions { display: table-cell; }
        .table.data td[data-col=account], .table.data td[data-col=video], .table.data td[data-col=name],
        .table.data td[data-col=creator] { white-space: normal; min-width: 9rem; }
        .table.data td[data-col=video] { min-width: 14rem; }
        .table .num { text-align: right; font-variant-numeric: tabular-nums; }
        .table th a { color: inherit; text-decoration: none; }
        .table th a:hover { color: var(--brand); }
        .table th[aria-sort=ascending] a, .table th[aria-sort=descending] a { color: var(--text); }
        .table .arrow { margin-left: .2rem; }
        .table td.select, .table th.select { width: 2rem; }
        .table.compact th, .table.compact td { padding: .3rem .5rem; font-size: .85rem; }
        .table td.muted { color: var(--muted); }

        .filters { display: flex; flex-wrap: wrap; gap: .8rem; align-items: flex-end; margin-bottom: .8rem; }
        .filters input[type=search] { min-width: 14rem; }
        input[type=search], input[type=number], input[type=date] { font: inherit; padding: .45rem .6rem; border: 1px solid #d0d5dd;
          border-radius: .4rem; background: #fff; color: var(--text); }
        .columns { position: relative; }
        .columns summary, .custom-range summary { cursor: pointer; padding: .45rem .7rem; border: 1px solid #d0d5dd; border-radius: .4rem;
          background: #fff; font-size: .9rem; list-style-position: inside; }
        .columns fieldset { position: absolute; z-index: 5; top: 2.6rem; right: 0; background: #fff; border: 1px solid var(--line);
          border-radius: .5rem; padding: .6rem .8rem; box-shadow: 0 8px 24px rgba(16,24,40,.12); min-width: 13rem;
          display: flex; flex-direction: column; gap: .35rem; }
        label.check { flex-direction: row; align-items: center; gap: .4rem; font-weight: 400; }

        .range-picker { display: flex; flex-wrap: wrap; gap: .6rem 1rem; align-items: center; margin: .4rem 0 1.2rem; }
        .segmented { display: inline-flex; border: 1px solid #d0d5dd; border-radius: .45rem; overflow: hidden; background: #fff; }
        .segmented a { padding: .4rem .8rem; text-decoration: none; color: var(--text); font-size: .9rem; border-left: 1px solid #d0d5dd; }
        .segmented a:first-child { border-left: 0; }
        .segmented a.current { background: var(--brand); color: #fff; }
        .custom-range[open] summary { margin-bottom: .5rem; }
        .custom-range form { display: flex; flex-wrap: wrap; gap: .6rem; align-items: flex-end; }
        .range-label { margin: 0; font-size: .9rem; }

        .kpis { display: grid; grid-template-columns: repeat(auto-fit, minmax(170px, 1fr)); gap: .9rem; margin-bottom: 1.4rem; }
        .kpi { background: var(--panel); border: 1px solid var(--line); border-radius: .7rem; padding: .9rem 1rem .6rem; }
        .kpi-label { font-size: .8rem; font-weight: 600; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; margin: 0; }
        .kpi-value { font-size: 1.6rem; font-weight: 700; margin: .2rem 0; font-variant-numeric: tabular-nums; }
        .kpi-value.small-value { font-size: 1.05rem; }
        .change { margin: 0 0 .3rem; font-size: .85rem; font-weight: 600; }
        .change.up { color: var(--ok); }
        .change.down { color: #b42318; }
        .change.flat, .change.none { color: var(--muted); font-weight: 400; }
        .sparkline { display: block; width: 100%; height: 32px; }
        .sparkline path { fill: none; stroke: var(--brand); stroke-width: 1.5; stroke-linecap: round; stroke-linejoin: round; }

        .metrics { display: grid; grid-template-columns: repeat(auto-fit, minmax(140px, 1fr)); gap: .7rem; margin-bottom: 1.4rem; }
        .metric { background: var(--panel); border: 1px solid var(--line); border-radius: .6rem; padding: .7rem .9rem;
          display: flex; flex-direction: column; gap: .1rem; }
        .metric-label { font-size: .78rem; color: var(--muted); }
        .metric-value { font-size: 1.25rem; font-variant-numeric: tabular-nums; }
        .charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(420px, 100%), 1fr)); gap: 0 1.4rem; }
        .cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(250px, 100%), 1fr)); gap: .9rem; margin-bottom: 1.4rem; }
        .card-account { background: var(--panel); border: 1px solid var(--line); border-radius: .7rem; padding: .9rem 1rem; }
        .card-account h3 { margin-bottom: .3rem; }
        .card-account .facts { grid-template-columns: repeat(auto-fit, minmax(90px, 1fr)); margin: .5rem 0; }
        .video-list { list-style: none; padding: 0; margin: 0; }
        .video-list li { padding: .45rem 0; border-bottom: 1px solid var(--line); }
        .video-list li:last-child { border-bottom: 0; }
        .video-title { font-size: 1.3rem; overflow-wrap: anywhere; }
        .pending { color: var(--warn); }
        .invitations li { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; margin-bottom: .3rem; }
        .inline.wrap { flex-wrap: wrap; align-items: flex-end; }
        label.grow { flex: 1 1 18rem; }

        .chart { margin: 0; }
        .chart-svg { display: block; overflow: visible; }
        .chart-grid { stroke: #eaecf0; stroke-width: 1; }
        .chart-tick, .chart-date { fill: var(--muted); font-size: 11px; font-family: inherit; }
        .chart-tick { paint-order: stroke; stroke: #fff; stroke-width: 3px; stroke-linejoin: round; }
        .chart-plot { overflow: visible; }
        .chart-dot { fill: none; stroke-width: 6; stroke-linecap: round; }
        .chart-line { fill: none; stroke-width: 2; stroke-linecap: round; stroke-linejoin: round; }
        .chart-area { fill: var(--brand); opacity: .08; stroke: none; }
        .chart-hover { fill: transparent; }
        .chart-hover:hover { fill: rgba(79,70,229,.08); }
        .s0 { stroke: #4f46e5; } .swatch.s0 { background: #4f46e5; }
        .s1 { stroke: #d97706; } .swatch.s1 { background: #d97706; }
        .s2 { stroke: #0d9488; } .swatch.s2 { background: #0d9488; }
        .s3 { stroke: #e11d48; } .swatch.s3 { background: #e11d48; }
        .s4 { stroke: #0284c7; } .swatch.s4 { background: #0284c7; }
        .s5 { stroke: #6b7280; } .swatch.s5 { background: #6b7280; }
        .chart-legend { list-style: none; display: flex; flex-wrap: wrap; gap: .3rem 1rem; padding: 0; margin: .5rem 0 0; font-size: .85rem; }
        .chart-legend li { display: inline-flex; align-items: center; gap: .35rem; }
        .swatch { display: inline-block; width: .9rem; height: .25rem; border-radius: .2rem; }
        .chart-table { margin-top: .6rem; font-size: .85rem; }
        .chart-table summary { cursor: pointer; color: var(--brand); }
        .chart-table .table-scroll { max-height: 18rem; overflow: auto; margin-top: .4rem; }

        @media (max-width: 800px) {
          body.app { grid-template-columns: minmax(0, 1fr); grid-template-rows: auto 1fr; }
          .sidebar { flex-direction: row; flex-wrap: wrap; align-items: center; gap: .6rem 1rem; padding: .8rem 1rem; min-width: 0; }
          .sidebar nav { flex-direction: row; flex-wrap: wrap; }
          .sidebar .org { display: flex; flex-wrap: wrap; gap: .2rem .6rem; align-items: baseline; }
          .me { margin-top: 0; }
          .content { padding: 1.2rem; }
          .key { grid-template-columns: 1fr; }
          .sidebar nav { width: 100%; gap: .2rem; }
          .sidebar nav a { white-space: nowrap; padding: .35rem .6rem; font-size: .9rem; }
          .nav-rule { display: none; }
          .chart-date.minor { display: none; }
          .charts, .split { grid-template-columns: minmax(0, 1fr); }
          .kpis { grid-template-columns: repeat(2, minmax(0, 1fr)); }
          .kpi-value { font-size: 1.3rem; }
          .filters input[type=search] { min-width: 0; width: 100%; }
          .filters > label:first-child { flex: 1 1 100%; }
          .page-head { flex-wrap: wrap; gap: .6rem; }
        }
        """
}
