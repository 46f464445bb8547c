// Keyset pagination in SQL (README, "API conventions"): a total order (the sort column, then id), nulls last in
// both directions, and the page after a position read with one index range — so page 100 costs what page 1 costs.
// The API layer turns positions into signed cursors (API/Listing.swift); column names never leave the Store.
import SQLKit

enum SortDirection: String, Sendable {
    case asc, desc
}

/// One `order_by` value of a list: its public name and the column it sorts by.
struct SortOption: Sendable {
    enum Kind: Sendable { case text, integer }
    let name: String
    let column: String
    let kind: Kind
    let nullable: Bool
}

/// A position in a keyset: the sort value and id of the last row of the previous page.
struct CursorPosition: Sendable, Equatable {
    enum Value: Sendable, Equatable {
        case null
        case integer(Int64)
        case text(String)
    }
    let value: Value
    let id: String
}

/// What a list asks the Store for.
struct PageQuery: Sendable {
    let limit: Int
    let includeTotal: Bool
    let sort: SortOption
    let direction: SortDirection
    let after: CursorPosition?
    /// The page that ends just before this position (a "previous" link): read in the opposite order, then turned
    /// around. Used instead of `after`, never with it.
    var before: CursorPosition? = nil

    /// `AND (sort, id) > (v, id)`-style keyset condition for the page after the cursor (nulls last).
    func keysetCondition(alias: String) -> SQLQueryString {
        if let before { return backwardCondition(alias: alias, before: before) }
        guard let after else { return "" }
        let column = "\(alias).\(sort.column)"
        let op = direction == .asc ? ">" : "<"
        switch after.value {
        case .null:
            return " AND (\(unsafeRaw: column) IS NULL AND \(unsafeRaw: alias).id \(unsafeRaw: op) \(bind: after.id))"
        case .integer(let number):
            return condition(column: column, alias: alias, op: op, bound: "\(bind: number)", id: after.id)
        case .text(let text):
            return condition(column: column, alias: alias, op: op, bound: "\(bind: text)", id: after.id)
        }
    }

    private func condition(column: String, alias: String, op: String, bound: SQLQueryString, id: String) -> SQLQueryString {
        let condition: SQLQueryString = "(\(unsafeRaw: column), \(unsafeRaw: alias).id) \(unsafeRaw: op) (\(bound), \(bind: id))"
        return sort.nullable ? " AND (\(condition) OR \(unsafeRaw: column) IS NULL)" : " AND \(condition)"
    }

    /// Rows before a position, nearest first: with nulls last in the list's order, they are every non-null row
    /// before it (a null position) or the non-null rows before its value (row values compare NULL as unknown).
    private func backwardCondition(alias: String, before: CursorPosition) -> SQLQueryString {
        let column = "\(alias).\(sort.column)"
        let op = direction == .asc ? "<" : ">"
        switch before.value {
        case .null:
            return " AND (\(unsafeRaw: column) IS NOT NULL OR \(unsafeRaw: alias).id \(unsafeRaw: op) \(bind: before.id))"
        case .integer(let number):
            return " AND (\(unsafeRaw: column), \(unsafeRaw: alias).id) \(unsafeRaw: op) (\(bind: number), \(bind: before.id))"
        case .text(let text):
            return " AND (\(unsafeRaw: column), \(unsafeRaw: alias).id) \(unsafeRaw: op) (\(bind: text), \(bind: before.id))"
        }
    }

    func orderClause(alias: String) -> SQLQueryString {
        // Backwards, the exact reverse of the list's order: the other direction with nulls first.
        let backwards = before != nil
        let dir = (direction == .asc) != backwards ? "ASC" : "DESC"
        let nulls = sort.nullable ? (backwards ? " NULLS FIRST" : " NULLS LAST") : ""
        return " ORDER BY \(unsafeRaw: alias).\(unsafeRaw: sort.column) \(unsafeRaw: dir)\(unsafeRaw: nulls), \(unsafeRaw: alias).id \(unsafeRaw: dir)"
    }

    /// One more row than the page holds: its presence says there is a next page.
    var limitClause: SQLQueryString { " LIMIT \(bind: limit + 1)" }

    /// Turns the rows of a page query (`limit + 1` at most) into models, the next position and the total.
    func result<Model: Sendable>(rows: [any SQLRow], table: String, total: Int?, decode: (any SQLRow) throws -> Model) throws -> PageResult<Model> {
        func position(_ row: any SQLRow) throws -> CursorPosition {
            let reader = row.reader(table)
            let value: CursorPosition.Value
            switch sort.kind {
            case .integer: value = try reader.optionalInt64(sort.column).map { .integer($0) } ?? .null
            case .text: value = try reader.optionalString(sort.column).map { .text($0) } ?? .null
            }
            return CursorPosition(value: value, id: try reader.string("id"))
        }
        if before != nil {
            // Read nearest first: turn the page around; a row beyond it means there is a page before this one.
            let visible = Array(rows.prefix(limit).reversed())
            return PageResult(
                items: try visible.map(decode), next: try visible.last.map(position), total: total,
                previous: rows.count > limit ? try visible.first.map(position) : nil)
        }
        let visible = rows.prefix(limit)
        var next: CursorPosition?
        if rows.count > limit, let last = visible.last { next = try position(last) }
        return PageResult(items: try visible.map(decode), next: next, total: total,
                          previous: after != nil ? try visible.first.map(position) : nil)
    }

    /// The same keyset over rows already in memory, for a column computed rather than stored (a window's views):
    /// the order of `orderClause` (nulls last, ties by id in the same direction), the page after `after` or before
    /// `before`.
    func page<Model: Sendable>(_ rows: [(position: CursorPosition, model: Model)]) -> PageResult<Model> {
        let ordered = rows.sorted { precedes($0.position, $1.position) }
        if let before {
            let earlier = ordered.filter { precedes($0.position, before) }
            let visible = earlier.suffix(limit)
            return PageResult(items: visible.map(\.model), next: visible.last?.position, total: includeTotal ? rows.count : nil,
                              previous: earlier.count > limit ? visible.first?.position : nil)
        }
        let later = after.map { position in ordered.filter { precedes(position, $0.position) } } ?? ordered
        let visible = later.prefix(limit)
        return PageResult(items: visible.map(\.model), next: later.count > limit ? visible.last?.position : nil,
                          total: includeTotal ? rows.count : nil, previous: after != nil ? visible.first?.position : nil)
    }

    /// Whether `a` comes before `b` in this list's order.
    func precedes(_ a: CursorPosition, _ b: CursorPosition) -> Bool {
        let ascending = direction == .asc
        switch (a.value, b.value) {
        case (.null, .null): return ascending ? a.id < b.id : a.id > b.id
        case (.null, _): return false
        case (_, .null): return true
        case (.integer(let x), .integer(let y)) where x != y: return ascending ? x < y : x > y
        case (.text(let x), .text(let y)) where x != y: return ascending ? x < y : x > y
        default: return ascending ? a.id < b.id : a.id > b.id
        }
    }
}

/// A page of models, the position after its last item (nil on the last page), when asked the total, and the
/// position of its first item when there is a page before it (for a "previous" link).
struct PageResult<Model: Sendable>: Sendable {
    let items: [Model]
    let next: CursorPosition?
    let total: Int?
    var previous: CursorPosition? = nil
}
