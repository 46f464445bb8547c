// The data pages' tables (README, "Dashboard"): which columns show (a column picker remembered in the URL), the sort
// (any shown column: a stored column is sorted by the Store's keyset, a column computed for the range by the same
// keyset over the matching rows in memory — Store/Keyset.swift, never OFFSET), the page size, and the links to the
// next and previous pages as signed positions bound to the list's filters and sort.
import Foundation

struct TableColumn: Sendable {
    let key: String
    let label: String
    var numeric = false
    /// Shown unless the reader chose other columns.
    var visible = true
    /// The repository's `order_by` name for a stored column; nil when the page computes the value.
    var storedSort: String?
    var sortable = true
    /// Computed text columns sort as text, everything else as integers.
    var text = false
    /// Times read newest first, like numbers largest first.
    var newestFirst = false

    var defaultDirection: SortDirection { numeric || newestFirst ? .desc : .asc }
}

/// A list page's state as its URL says: filters, sort, size, columns, range.
struct TableState: Sendable {
    static let pageSizes = [50, 100, 200]

    let path: String
    let columns: [TableColumn]
    let visible: [TableColumn]
    let sort: TableColumn
    let direction: SortDirection
    let limit: Int
    /// Normalised filters, in a fixed order (links and cursor binding).
    let filters: [(String, String)]
    let range: DashboardRange?
    let chosenColumns: Bool

    static func read(
        _ query: FormData, path: String, columns: [TableColumn], defaultSort: String,
        defaultDirection: SortDirection? = nil, filters: [(String, String)], range: DashboardRange?,
        pageSizes: [Int] = pageSizes
    ) -> TableState {
        let chosen = Set(query.all("col"))
        let picked = columns.filter { chosen.contains($0.key) }
        let visible = picked.isEmpty ? columns.filter(\.visible) : picked
        let fallback = columns.first { $0.key == defaultSort } ?? columns[0]
        let sort = columns.first { $0.key == query["sort"] && $0.sortable } ?? fallback
        let direction = SortDirection(rawValue: query["dir"] ?? "")
            ?? (sort.key == fallback.key ? defaultDirection ?? sort.defaultDirection : sort.defaultDirection)
        let limit = query["limit"].flatMap(Int.init).flatMap { pageSizes.contains($0) ? $0 : nil } ?? pageSizes[0]
        return TableState(path: path, columns: columns, visible: visible, sort: sort, direction: direction, limit: limit,
                          filters: filters.filter { !$0.1.isEmpty }, range: range, chosenColumns: !picked.isEmpty)
    }

    func isVisible(_ key: String) -> Bool { visible.contains { $0.key == key } }

    /// The fields that show this list again from its first page.
    var fields: [(String, String)] {
        var fields = filters
        fields += [("sort", sort.key), ("dir", direction.rawValue), ("limit", String(limit))]
        if chosenColumns { fields += visible.map { ("col", $0.key) } }
        fields += range?.fields ?? []
        return fields
    }

    /// Everything but the range (the range picker adds its own).
    var fieldsWithoutRange: [(String, String)] {
        fields.filter { !["period", "start_date", "end_date"].contains($0.0) }
    }

    /// What a cursor is bound to: the filters and the sort, and the range when the sort depends on it.
    var binding: [(String, JSONOut)] {
        var bound = filters.map { ($0.0, JSONOut.string($0.1)) }
        bound += [("sort", .string(sort.key)), ("dir", .string(direction.rawValue))]
        if sort.storedSort == nil, let range {
            bound += range.fields.map { ($0.0, JSONOut.string($0.1)) }
        }
        return bound
    }

    /// The page query for the Store (stored sort) or for the in-memory keyset (computed sort).
    func pageQuery(sortOptions: [SortOption], after: CursorPosition?, before: CursorPosition?) -> PageQuery {
        let option = sortOptions.first { $0.name == sort.storedSort }
            ?? SortOption(name: sort.key, column: sort.key, kind: sort.text ? .text : .integer, nullable: true)
        return PageQuery(limit: limit, includeTotal: true, sort: option, direction: direction,
                         after: before == nil ? after : nil, before: before)
    }

    var sortKind: SortOption.Kind { sort.storedSort == nil && sort.text ? .text : .integer }

    /// Column headers: a sort link on each sortable column, `aria-sort` on the sorted one.
    func headers(sortOptions: [SortOption]) -> [[String: Any]] {
        visible.map { column in
            let sorted = column.key == sort.key
            let next: SortDirection = sorted ? (direction == .asc ? .desc : .asc) : column.defaultDirection
            var link = fields.filter { $0.0 != "sort" && $0.0 != "dir" }
            link += [("sort", column.key), ("dir", next.rawValue)]
            return [
                "col_key": column.key, "col_label": column.label, "col_numeric": column.numeric,
                "col_sortable": column.sortable, "col_href": PageLink.make(path, link),
                "col_aria_sort": sorted ? (direction == .asc ? "ascending" : "descending") : "none",
                "col_arrow": sorted ? (direction == .asc ? "↑" : "↓") : "",
                "col_sort_hint": "Sort by \(column.label.lowercased()), \(next == .asc ? "ascending" : "descending")",
            ]
        }
    }

    /// The column picker's checkboxes.
    var columnChoices: [[String: Any]] {
        columns.map { ["choice_key": $0.key, "choice_label": $0.label, "choice_checked": isVisible($0.key)] }
    }

    var pageSizeChoices: [[String: Any]] {
        Self.pageSizes.map { ["size": $0, "size_selected": $0 == limit] }
    }

    /// First / previous / next links and "Showing 1–50 of 62"-style words.
    func pager<Model>(_ result: PageResult<Model>, cursor: ListCursor, noun: String) -> [String: Any] {
        let count = result.items.count
        var values: [String: Any] = [
            "page_summary": result.total.map { "\(Figure.count($0)) \(noun) · \(count) on this page" }
                ?? "\(count) on this page",
        ]
        if let next = result.next {
            values["next_href"] = PageLink.make(path, fields + [("after", cursor.encode(next))])
        }
        if let previous = result.previous {
            values["previous_href"] = PageLink.make(path, fields + [("before", cursor.encode(previous))])
        }
        if result.previous != nil || cursor.wasPaged { values["first_href"] = PageLink.make(path, fields) }
        return values
    }
}

/// Signed positions in a list (the API's cursor codec), bound to the organization, the page and its filters and
/// sort: reused under other filters or tampered with, a position is ignored and the list starts at its beginning.
struct ListCursor: Sendable {
    let codec: CursorCodec
    let fingerprint: String
    let after: CursorPosition?
    let before: CursorPosition?

    var wasPaged: Bool { after != nil || before != nil }

    init(_ page: DataPage, path: String, binding: [(String, JSONOut)], kind: SortOption.Kind,
         afterField: String = "after", beforeField: String = "before") async throws {
        let codec = CursorCodec(key: try await page.services.secrets.cursorKey())
        let fingerprint = codec.fingerprint(organizationID: page.organizationID, path: path, echoed: binding)
        let before = page.query[beforeField].flatMap { codec.decode($0, fingerprint: fingerprint, kind: kind) }
        self.codec = codec
        self.fingerprint = fingerprint
        self.before = before
        self.after = before == nil ? page.query[afterField].flatMap { codec.decode($0, fingerprint: fingerprint, kind: kind) } : nil
    }

    func encode(_ position: CursorPosition) -> String { codec.encode(position, fingerprint: fingerprint) }
}
