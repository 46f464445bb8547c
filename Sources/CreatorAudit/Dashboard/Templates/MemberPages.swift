// Members and invitations, the audit log, the account page.
extension Templates {
    static let members = """
        <header class="page-head"><div><h1>Members</h1>
        <p class="muted">People who can sign in to {{organization_name}}. Owners and admins manage keys, members and settings;
        members can only look.</p></div></header>
        {{#notice}}<p class="notice" role="status">{{notice}}</p>{{/notice}}
        <section class="panel">
          <div class="table-scroll"><table class="table">
            <thead><tr><th>Email</th><th>Role</th><th>Since</th>{{#can_manage}}<th>Change</th>{{/can_manage}}</tr></thead>
            <tbody>
            {{#members}}
            <tr>
              <td>{{email}}{{#is_me}} <span class="badge muted">you</span>{{/is_me}}</td>
              <td><span class="badge">{{role}}</span></td>
              <td>{{since}}</td>
              {{#can_manage}}
              <td class="row-actions">
                <form method="post" action="/members/{{id}}/role" class="inline">
                  <input type="hidden" name="csrf_token" value="{{csrf}}">
                  <select name="role" aria-label="Role">
                    {{#owner_choice}}<option value="owner"{{#is_owner}} selected{{/is_owner}}>owner</option>{{/owner_choice}}
                    <option value="admin"{{#is_admin}} selected{{/is_admin}}>admin</option>
                    <option value="member"{{#is_member}} selected{{/is_member}}>member</option>
                  </select>
                  <button type="submit" class="button small">Save</button>
                </form>
                <form method="post" action="/members/{{id}}/remove" class="inline">
                  <input type="hidden" name="csrf_token" value="{{csrf}}">
                  <button type="submit" class="button small danger">Remove</button>
                </form>
              </td>
              {{/can_manage}}
            </tr>
            {{/members}}
            </tbody>
          </table></div>
        </section>
        {{#can_manage}}
        <section class="panel">
          <h2>Invite someone</h2>
          <form method="post" action="/members/invite" class="create-key">
            <input type="hidden" name="csrf_token" value="{{csrf}}">
            <label>Email <input type="email" name="email" required></label>
            <label>Role <select name="role">{{#is_owner_me}}<option value="owner">owner</option>{{/is_owner_me}}
              <option value="admin">admin</option><option value="member" selected>member</option></select></label>
            <button type="submit" class="button primary">Create invitation link</button>
          </form>
          <p class="muted small">The link works once, for 7 days. Send it to the person yourself.</p>
          {{#has_pending}}
          <h3>Open invitations</h3>
          {{> invitation-list}}
          {{/has_pending}}
        </section>
        {{/can_manage}}
        """

    static let invitationCreated = """
        {{#shown}}
        <h1>Invitation link for {{email}}</h1>
        <section class="panel secret-panel">
          <p class="warning" role="alert"><strong>Copy this link now.</strong> It is shown only once, works once and expires in
          7 days.</p>
          <div class="secret-row">
            <code id="invitation-link" class="secret">{{link}}</code>
            <button type="button" class="button copy" data-copy="invitation-link" hidden>Copy</button>
          </div>
        </section>
        {{/shown}}
        {{^shown}}<h1>Link no longer shown</h1><p class="notice">An invitation link is shown only once.</p>{{/shown}}
        <p><a class="button" href="/members">Back to members</a></p>
        """

    static let audit = """
        <header class="page-head"><div><h1>Audit log</h1>
        <p class="muted">Key, member and sign-in events of {{organization_name}}, newest first.</p></div></header>
        <section class="panel">
          <div class="table-scroll"><table class="table audit">
            <thead><tr><th>Time</th><th>Actor</th><th>Action</th><th>Target</th><th>Client address</th></tr></thead>
            <tbody>
            {{#events}}
            <tr><td class="nowrap">{{time}}</td><td>{{actor}}</td><td><code>{{action}}</code></td>
              <td>{{target}}{{#details}}<div class="muted small">{{details}}</div>{{/details}}</td><td>{{client_ip}}</td></tr>
            {{/events}}
            {{^events}}<tr><td colspan="5" class="empty">No events on this page.</td></tr>{{/events}}
            </tbody>
          </table></div>
          <nav class="pager">
            {{#previous}}<a class="button small" href="/audit?page={{previous}}">← Newer</a>{{/previous}}
            <span class="muted">Page {{page}}</span>
            {{#next}}<a class="button small" href="/audit?page={{next}}">Older →</a>{{/next}}
          </nav>
        </section>
        """

    static let account = """
        <header class="page-head"><div><h1>Account</h1><p class="muted">Signed in as {{email}}.</p></div></header>
        {{#notice}}<p class="notice" role="status">{{notice}}</p>{{/notice}}
        <section class="panel">
          <h2>Change your password</h2>
          <form method="post" action="/account/password" class="stack">
            <input type="hidden" name="csrf_token" value="{{csrf}}">
            <label>Current password <input type="password" name="current_password" autocomplete="current-password" required></label>
            <label>New password (12 to 72 characters)
              <input type="password" name="new_password" autocomplete="new-password" minlength="12" maxlength="72" required></label>
            <button type="submit" class="button primary">Change password</button>
          </form>
          <p class="muted small">Changing your password signs you out everywhere else.</p>
        </section>
        """
}
