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
        code, pre, .masked, .secret { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
        .muted { color: var(--muted); }
        .small { font-size: .85rem; }
        .nowrap { white-space: nowrap; }
        .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }

        body.app { display: grid; grid-template-columns: 240px 1fr; min-height: 100vh; }
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
        .content { padding: 2rem 2.4rem; max-width: 1100px; width: 100%; }

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

        .mcp-card h3 { font-size: .95rem; margin: 1.1rem 0 .3rem; }
        .snippet-row { display: flex; gap: .6rem; align-items: flex-start; margin: .4rem 0 .8rem; }
        .snippet { flex: 1; min-width: 0; margin: 0; background: #101828; color: #f2f4f7; padding: .6rem .9rem; border-radius: .45rem;
          overflow-x: auto; font-size: .85rem; }
        .snippet-inline { background: #f2f4f7; padding: .15rem .45rem; border-radius: .3rem; overflow-wrap: anywhere; }

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

        @media (max-width: 800px) {
          body.app { grid-template-columns: 1fr; }
          .sidebar { flex-direction: row; flex-wrap: wrap; align-items: center; }
          .sidebar nav { flex-direction: row; flex-wrap: wrap; }
          .me { margin-top: 0; }
          .content { padding: 1.2rem; }
          .key { grid-template-columns: 1fr; }
        }
        """
}
