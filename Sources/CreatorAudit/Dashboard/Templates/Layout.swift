// The two layouts, the error page and the pages seen before signing in.
extension Templates {
    static let layout = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}} · CreatorAudit</title>
        <link rel="stylesheet" href="/static/app.css">
        <link rel="icon" href="/static/icon.svg" type="image/svg+xml">
        <script src="/static/app.js" defer></script>
        </head>
        <body class="app">
        <aside class="sidebar">
          <a class="brand" href="/"><span class="logo" aria-hidden="true">CA</span> CreatorAudit</a>
          <div class="org">
            <span class="org-label">Organization</span>
            {{#several_organizations}}
            <form method="post" action="/organizations/switch" class="org-switch">
              <input type="hidden" name="csrf_token" value="{{csrf}}">
              <select name="organization_id" aria-label="Organization">
                {{#organizations}}<option value="{{id}}"{{#selected}} selected{{/selected}}>{{name}}</option>{{/organizations}}
              </select>
              <button type="submit" class="button small">Switch</button>
            </form>
            {{/several_organizations}}
            {{^several_organizations}}<strong class="org-name">{{organization_name}}</strong>{{/several_organizations}}
          </div>
          <nav aria-label="Dashboard">
            <a href="/"{{#nav_overview}} class="active" aria-current="page"{{/nav_overview}} id="nav-overview">Overview</a>
            <a href="/accounts"{{#nav_accounts}} class="active" aria-current="page"{{/nav_accounts}} id="nav-accounts">Accounts</a>
            <a href="/creators"{{#nav_creators}} class="active" aria-current="page"{{/nav_creators}} id="nav-creators">Creators</a>
            <a href="/account-videos"{{#nav_account_videos}} class="active" aria-current="page"{{/nav_account_videos}} id="nav-account-videos">Account videos</a>
            <a href="/videos"{{#nav_videos}} class="active" aria-current="page"{{/nav_videos}} id="nav-videos">Individual videos</a>
            <a href="/usage"{{#nav_usage}} class="active" aria-current="page"{{/nav_usage}} id="nav-usage">Usage</a>
            <a href="/settings"{{#nav_settings}} class="active" aria-current="page"{{/nav_settings}} id="nav-settings">Settings</a>
            <span class="nav-rule" aria-hidden="true"></span>
            <a href="/keys"{{#nav_keys}} class="active" aria-current="page"{{/nav_keys}}>API keys</a>
            <a href="/members"{{#nav_members}} class="active" aria-current="page"{{/nav_members}}>Members</a>
            <a href="/audit"{{#nav_audit}} class="active" aria-current="page"{{/nav_audit}}>Audit log</a>
            <a href="/account"{{#nav_account}} class="active" aria-current="page"{{/nav_account}}>Account</a>
          </nav>
          <div class="me">
            <span class="email">{{email}}</span>
            <span class="badge">{{role}}</span>
            <form method="post" action="/sign-out">
              <input type="hidden" name="csrf_token" value="{{csrf}}">
              <button type="submit" class="button ghost small" id="sign-out">Sign out</button>
            </form>
          </div>
        </aside>
        <main class="content">
        {{{content}}}
        </main>
        </body>
        </html>
        """

    static let bare = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}} · CreatorAudit</title>
        <link rel="stylesheet" href="/static/app.css">
        <link rel="icon" href="/static/icon.svg" type="image/svg+xml">
        </head>
        <body class="bare">
        <main class="card narrow">
          <a class="brand" href="/"><span class="logo">CA</span> CreatorAudit</a>
          {{{content}}}
        </main>
        </body>
        </html>
        """

    static let error = """
        <h1>{{title}}</h1>
        <p class="status-code">Error {{status}}</p>
        <p>{{detail}}</p>
        {{#has_errors}}<ul class="errors">{{#errors}}<li><strong>{{field}}</strong> {{message}}</li>{{/errors}}</ul>{{/has_errors}}
        <p><a class="button" href="/">Back to the dashboard</a></p>
        <p class="muted small">Request id {{request_id}}</p>
        """

    static let signIn = """
        <h1>Sign in</h1>
        {{#message}}<p class="notice error" role="alert">{{message}}</p>{{/message}}
        {{#signed_out}}<p class="notice">You are signed out.</p>{{/signed_out}}
        <form method="post" action="/sign-in" class="stack">
          <input type="hidden" name="csrf_token" value="{{csrf}}">
          <label>Email <input type="email" name="email" value="{{email}}" autocomplete="username" required autofocus></label>
          <label>Password <input type="password" name="password" autocomplete="current-password" required></label>
          <button type="submit" class="button primary" id="sign-in">Sign in</button>
        </form>
        """

    static let invitation = """
        <h1>Join {{organization_name}}</h1>
        <p>You were invited as <strong>{{email}}</strong> with the role <strong>{{role}}</strong>.</p>
        <form method="post" action="/invitations/{{token}}" class="stack">
          <input type="hidden" name="csrf_token" value="{{csrf}}">
          {{#existing}}
          <label>Your password <input type="password" name="password" autocomplete="current-password" required></label>
          <p class="muted small">You already have an account: sign in with it to accept.</p>
          {{/existing}}
          {{^existing}}
          <label>Choose a password (12 to 72 characters)
            <input type="password" name="password" autocomplete="new-password" minlength="12" maxlength="72" required></label>
          {{/existing}}
          <button type="submit" class="button primary">Accept the invitation</button>
        </form>
        """
}
