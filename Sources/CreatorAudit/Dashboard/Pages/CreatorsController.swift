// Creators (README, "Dashboard"): the table (name, status, connected accounts, followers, views in the range), create,
// pause / resume (pausing a creator pauses its accounts; resuming resumes those it paused), bulk delete after a
// confirmation (accounts stay tracked, unlinked). The same repository and rules as `/v2/creators`.
import Foundation
import Hummingbird

struct CreatorsController {
    let services: DataPageServices

    static let notices = [
        "created": "The creator was created.", "deleted": "The creators were deleted; their accounts stay tracked.",
        "paused": "The creator and its accounts were paused.", "resumed": "The creator was resumed with the accounts it paused.",
        "renamed": "The creator was renamed.", "linked": "The account was linked.", "unlinked": "The account was unlinked.",
        "none": "Select at least one creator first.",
    ]

    static let columns: [TableColumn] = [
        TableColumn(key: "name", label: "Name", storedSort: "name"),
        TableColumn(key: "status", label: "Status", text: true),
        TableColumn(key: "accounts", label: "Accounts", numeric: true),
        TableColumn(key: "followers", label: "Followers", numeric: true),
        TableColumn(key: "views_range", label: "Views in range", numeric: true),
    ]

    func addRoutes(to routes: Routes<AppRequestContext>) {
        /// The creators table.
        routes.on(.get, "creators") { request, context in try await list(request, context) }
        /// Creates a creator.
        routes.on(.post, "creators/add") { request, context in
            let page = try DataPage(request, context, services)
            try page.requireManager()
            let name = try Self.name(try await FormData.read(request))
            let created = try await page.store.creators.create(Creator(
                id: CreatorID(), organizationID: page.organizationID, name: name, isActive: true, metadata: [:], createdAt: .now))
            return Pages.redirect("/creators/\(created.id)?notice=created")
        }
        /// The confirmation page for the selected creators.
        routes.on(.post, "creators/bulk") { request, context in
            let page = try DataPage(request, context, services)
            try page.requireManager()
            let creators = try await selected(page, try await FormData.read(request))
            guard !creators.isEmpty else { return Pages.redirect("/creators?notice=none") }
            return try await Self.confirmation(page, creators)
        }
        /// Deletes the confirmed creators (their accounts are unlinked and stay tracked).
        routes.on(.post, "creators/delete") { request, context in
            let page = try DataPage(request, context, services)
            try page.requireManager()
            for creator in try await selected(page, try await FormData.read(request)) {
                _ = try await page.store.creators.delete(creator.id)
            }
            return Pages.redirect("/creators?notice=deleted")
        }
        /// Pauses a creator and its active accounts.
        routes.on(.post, "creators/{id}/pause") { request, context in try await setActive(request, context, false) }
        /// Resumes a creator and the accounts its pause paused.
        routes.on(.post, "creators/{id}/resume") { request, context in try await setActive(request, context, true) }
    }

    /// 1–255 characters, trimmed (as the API).
    static func name(_ form: FormData) throws -> String {
        let name = (form["name"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...255).contains(name.count) else {
            throw APIError.validation([FieldError(field: "name", message: "must be 1 to 255 characters")])
        }
        return name
    }

    func selected(_ page: DataPage, _ form: FormData) async throws -> [Creator] {
        var creators: [Creator] = []
        var seen = Set<String>()
        for id in form.all("id").compactMap(CreatorID.init) where seen.insert(id.description).inserted {
            if let creator = try await page.store.creators.find(id) { creators.append(creator) }
        }
        return creators
    }

    static func confirmation(_ page: DataPage, _ creators: [Creator]) async throws -> Response {
        try await page.render("creators-delete", title: "Delete creators", section: "creators", [
            "creators": creators.map { ["id": $0.id.description, "creator_name": $0.name,
                                        "linked_words": $0.accounts.total == 1 ? "1 account" : "\($0.accounts.total) accounts"] },
            "count_words": creators.count == 1 ? "1 creator" : "\(creators.count) creators",
        ])
    }

    func list(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let page = try DataPage(request, context, services)
        let range = DashboardRange.read(page.query)
        let state = TableState.read(page.query, path: "/creators", columns: Self.columns, defaultSort: "name", filters: [],
                                    range: range)
        let cursor = try await ListCursor(page, path: "/creators", binding: state.binding, kind: state.sortKind)
        let query = state.pageQuery(sortOptions: CreatorRepository.sortOptions, after: cursor.after, before: cursor.before)
        let result: PageResult<Creator>
        var views: [String: Int64] = [:]
        if state.sort.storedSort != nil {
            result = try await page.store.creators.page(isActive: nil, query)
            views = try await Self.views(page, creatorIDs: Set(result.items.map(\.id.description)), window: range.window)
        } else {
            let all = try await page.store.creators.all()
            if state.sort.key == "views_range" {
                views = try await Self.views(page, creatorIDs: nil, window: range.window)
            }
            result = query.page(all.map { creator in
                let value: CursorPosition.Value
                switch state.sort.key {
                case "status": value = .text(creator.isActive ? "active" : "paused")
                case "accounts": value = .integer(Int64(creator.accounts.total))
                case "followers": value = .integer(creator.accounts.totalFollowers)
                default: value = .integer(views[creator.id.description] ?? 0)
                }
                return (position: CursorPosition(value: value, id: creator.id.description), model: creator)
            })
            if state.sort.key != "views_range" {
                views = try await Self.views(page, creatorIDs: Set(result.items.map(\.id.description)), window: range.window)
            }
        }
        var values = RangePicker.values(range, path: "/creators", keep: state.fieldsWithoutRange)
        values["headers"] = state.headers(sortOptions: CreatorRepository.sortOptions)
        values["rows"] = result.items.map { creator -> [String: Any] in
            let cells = state.visible.map { column -> [String: Any] in
                var cell = TableCell(key: column.key, numeric: column.numeric)
                switch column.key {
                case "name":
                    cell.text = creator.name
                    cell.href = "/creators/\(creator.id)"
                case "status":
                    cell.text = creator.isActive ? "Active" : "Paused"
                    cell.badgeClass = creator.isActive ? "ok" : "muted"
                case "accounts":
                    cell.text = Figure.count(creator.accounts.total)
                    cell.sub = "\(creator.accounts.instagram) Instagram · \(creator.accounts.tiktok) TikTok"
                case "followers": cell.text = Figure.count(creator.accounts.totalFollowers)
                case "views_range": cell.text = Figure.count(views[creator.id.description] ?? 0)
                default: break
                }
                return cell.values
            }
            return ["id": creator.id.description, "creator_name": creator.name, "is_active": creator.isActive, "cells": cells]
        }
        values["has_rows"] = !result.items.isEmpty
        values["column_count"] = state.visible.count + (page.canManage ? 2 : 0)
        values["return_to"] = PageLink.make("/creators", state.fields)
        for (name, value) in state.pager(result, cursor: cursor, noun: "creators") { values[name] = value }
        if let notice = page.notice(Self.notices) { values["notice"] = notice }
        return try await page.render("creators", title: "Creators", section: "creators", values)
    }

    /// Views in the window per creator over its linked accounts (the top creators' arithmetic); nil ids = all.
    static func views(_ page: DataPage, creatorIDs: Set<String>?, window: Window) async throws -> [String: Int64] {
        let creators = try await page.store.creators.withAccountIDs().filter { creatorIDs?.contains($0.id) ?? true }
        let totals = try await page.analytics.accountTotals(ids: creators.flatMap(\.accountIDs), window: window)
        var views: [String: Int64] = [:]
        for creator in creators {
            views[creator.id] = CreatorStanding(id: creator.id, name: creator.name,
                                                accounts: creator.accountIDs.compactMap { totals[$0] }).views
        }
        return views
    }

    func setActive(_ request: Request, _ context: AppRequestContext, _ active: Bool) async throws -> Response {
        let page = try DataPage(request, context, services)
        try page.requireManager()
        let id = try DataPage.pathID(context, CreatorID.self, "creator")
        let form = try await FormData.read(request)
        _ = try await page.store.creators.update(id) { $0.isActive = active }
        let back = ReturnPath.safe(form["return_to"], default: "/creators/\(id)")
        return Pages.redirect(ReturnPath.adding(notice: active ? "resumed" : "paused", to: back))
    }
}
