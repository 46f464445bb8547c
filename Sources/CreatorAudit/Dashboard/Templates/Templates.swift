// Every dashboard template, by name. Templates are Swift string constants (no resource files to ship);
// `{{x}}` is HTML-escaped, `{{{x}}}` only ever holds markup we built (rendered pages, server-drawn SVG).
enum Templates {
    static let all: [String: String] = [
        "layout": layout, "bare": bare, "error": error, "sign-in": signIn, "invitation": invitation,
        "keys": keys, "key-row": keyRow, "key-created": keyCreated, "key-delete": keyDelete, "key-roll": keyRoll,
        "mcp-card": mcpCard, "members": members, "invitation-created": invitationCreated, "audit": audit, "account": account,
        // Data pages and their shared pieces.
        "range-picker": rangePicker, "cell": cell, "pager": pager, "column-headers": columnHeaders, "table-options": tableOptions, "overview": overview,
        "accounts": accounts, "accounts-delete": accountsDelete, "account-detail": accountDetail, "video-rows": videoRows,
        "creators": creators, "creators-delete": creatorsDelete, "creator-detail": creatorDetail, "videos": videos,
        "video-detail": videoDetail, "video-delete": videoDelete, "usage": usage, "settings": settings,
        "invitation-list": invitationList,
    ]
}
