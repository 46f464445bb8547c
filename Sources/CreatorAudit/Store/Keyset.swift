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

    /// `AND (sort, id) > (v, id)`-style keyset condition for the page after the cursor (nulls last).
    func keysetCondition(alias: String) -> SQLQueryString {
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

    func orderClause(alias: String) -> SQLQueryString {
        let dir = direction == .asc ? "ASC" : "DESC"
        let nulls = sort.nullable ? " NULLS LAST" : ""
        return " ORDER BY \(unsafeRaw: alias).\(unsafeRaw: sort.column) \(unsafeRaw: dir)\(unsafeRaw: nulls), \(unsafeRaw: alias).id \(unsafeRaw: dir)"
    }

    /// One more row than the page holds: its presence says there is a next page.
    var limitClause: SQLQueryString { " LIMIT \(bind: limit + 1)" }

    /// Turns the rows of a page query (`limit + 1` at most) into models, the next position and the total.
    func result<Model: Sendable>(rows: [any SQLRow], table: String, total: Int?, decode: (any SQLRow) throws -> Model) throws -> PageResult<Model> {
        let visible = rows.prefix(limit)
        var next: CursorPosition?
        if rows.count > limit, let last = visible.last {
            let reader = last.reader(table)
            let value: CursorPosition.Value
            switch sort.kind {
            case .integer: value = try reader.optionalInt64(sort.column).map { .integer($0) } ?? .null
            case .text: value = try reader.optionalString(sort.column).map { .text($0) } ?? .null
            }
            next = CursorPosition(value: value, id: try reader.string("id"))
        }
        return PageResult(items: try visible.map(decode), next: next, total: total)
    }
}

/// A page of models, the position after its last item (nil on the last page) and, when asked, the total.
struct PageResult<Model: Sendable>: Sendable {
    let items: [Model]
    let next: CursorPosition?
    let total: Int?
}
