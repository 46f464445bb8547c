// What every data page shares (README, "Dashboard"): the signed-in member's organization as a `TenantStore` — the
// same store an API handler holds, so a page reads through the same repositories and `AnalyticsService` and every
// read is scoped by the session's organization — who may change things, path ids, links and rendering.
import Foundation
import HTTPTypes
import Hummingbird

/// The long-lived things the data pages use.
struct DataPageServices: Sendable {
    let database: Database
    let members: MemberRepository
    let secrets: InstanceSecrets
}

/// One request to a data page.
struct DataPage: Sendable {
    let session: DashboardSession
    let store: TenantStore
    /// The query string, decoded like a form (`+` is a space).
    let query: FormData
    let services: DataPageServices

    var analytics: AnalyticsService { AnalyticsService(store: store) }
    var organizationID: OrganizationID { store.organizationID }
    var canManage: Bool { session.canManage }

    init(_ request: Request, _ context: AppRequestContext, _ services: DataPageServices) throws {
        guard let session = context.session else { throw APIError(.unauthorized, "Sign in first.") }
        self.session = session
        self.store = services.database.tenant(try session.requireOrganization())
        self.query = FormData(request.uri.query ?? "")
        self.services = services
    }

    /// Every change is for owners and admins; a member's form (forged or replayed) is refused before anything runs.
    func requireManager() throws {
        _ = try session.requireManager()
    }

    func actor(_ context: AppRequestContext) -> Actor { session.actor(context) }

    /// The page's notice, from the `notice` of a redirect after a change.
    func notice(_ notices: [String: String]) -> String? { query["notice"].flatMap { notices[$0] } }

    /// A page inside the signed-in layout.
    func render(_ template: String, title: String, section: String, _ values: [String: Any]) async throws -> Response {
        let organizations = try await services.members.organizations(memberID: session.memberID)
        return Pages.page(template, title: title, section: section, session: session, organizations: organizations, values)
    }

    /// An id in the path; a malformed one is a page that does not exist (404), like another organization's.
    static func pathID<ID: UUIDIdentifier>(_ context: AppRequestContext, _ type: ID.Type, _ what: String,
                                           _ name: String = "id") throws -> ID {
        guard let raw = context.parameters.get(name), raw.count == 36, let id = ID(raw) else {
            throw DomainError.notFound(what)
        }
        return id
    }
}

/// Links between pages: a path and query fields, percent-encoded.
enum PageLink {
    static func make(_ path: String, _ fields: [(String, String)]) -> String {
        let kept = fields.filter { !$0.1.isEmpty }
        guard !kept.isEmpty else { return path }
        return path + "?" + kept.map { encode($0.0) + "=" + encode($0.1) }.joined(separator: "&")
    }

    static func encode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}

/// How figures read on the pages: full numbers (the same as the API's), rates, changes, and "—" for unknown.
enum Figure {
    static func count(_ value: Int64?) -> String { value.map(ChartText.grouped) ?? "—" }
    static func count(_ value: Int) -> String { ChartText.grouped(Int64(value)) }
    static func rate(_ value: Double?) -> String { value.map { ChartText.percent($0) } ?? "—" }

    /// A period-over-period change for a card: text, direction (a class and words, not only a colour).
    static func change(_ percent: Double?, against previous: String) -> [String: Any] {
        guard let percent else {
            return ["change_text": "No change to compare", "change_class": "none",
                    "change_label": "no value in \(previous) to compare with"]
        }
        let rounded = (percent * 10).rounded() / 10
        let direction = rounded > 0 ? "up" : rounded < 0 ? "down" : "flat"
        let arrow = rounded > 0 ? "▲" : rounded < 0 ? "▼" : "■"
        let amount = ChartText.decimal(abs(rounded), places: 1) + "%"
        let words = direction == "flat" ? "no change against \(previous)" : "\(direction) \(amount) against \(previous)"
        return ["change_text": "\(arrow) \(amount)", "change_class": direction, "change_label": words]
    }

    /// A day's date and time, or the word for never.
    static func time(_ time: Timestamp?, never: String = "—") -> String { time.map(Pages.date) ?? never }

    /// "2026-06-14 09:30" — tables, whose column header says UTC.
    static func shortTime(_ time: Timestamp?, never: String = "—") -> String {
        guard let time else { return never }
        let iso = time.iso8601
        return String(iso.prefix(10)) + " " + String(iso.dropFirst(11).prefix(5))
    }
}

/// How fresh an account's or a video's numbers are — worded in this one place. The collector's read-only
/// `collection` status (docs/collection.md) belongs here when it lands ("Scraping…" until the first refresh, then
/// its status): only `account(_:)` and `video(_:)` change.
enum Freshness {
    static func account(_ account: Account) -> [String: Any] { of(lastScrape: account.lastScrapeTime) }
    static func video(_ video: Video) -> [String: Any] { of(lastScrape: video.lastScrapeTime) }

    static func of(lastScrape: Timestamp?) -> [String: Any] {
        guard let lastScrape else {
            return ["fresh_text": "Not yet refreshed", "fresh_short": "Not yet refreshed", "fresh_pending": true]
        }
        return ["fresh_text": "Refreshed " + Pages.date(lastScrape), "fresh_short": Figure.shortTime(lastScrape),
                "fresh_pending": false]
    }
}

/// Text for a template section: Mustache treats any string, even "", as true in `{{#x}}…{{/x}}`, so absent text is
/// `false` and the section disappears.
func shown(_ text: String?) -> Any {
    guard let text, !text.isEmpty else { return false }
    return text
}
