// Reading a row into a model. A value that does not decode is a `CorruptRow` naming the table and column —
// never a made-up id, a default enum case or an empty map that a later write would store back.
import Foundation
import SQLKit

struct RowReader {
    let row: any SQLRow
    let table: String

    init(_ row: any SQLRow, table: String) {
        self.row = row
        self.table = table
    }

    func value<T: Decodable>(_ column: String, as type: T.Type) throws -> T {
        do {
            return try row.decode(column: column, as: T.self)
        } catch {
            throw CorruptRow(table: table, column: column)
        }
    }

    /// Nullable columns ask "is it NULL?" first, then decode the wrapped type: SQLiteKit converts a value directly
    /// only when the requested type is itself `SQLiteDataConvertible`, and `Optional<Int64>` went through a nested
    /// Codable decoder — 30 % of an analytics request's CPU (BENCHMARKS.md).
    func optional<T: Decodable>(_ column: String, as type: T.Type) throws -> T? {
        do {
            return try row.decodeNil(column: column) ? nil : row.decode(column: column, as: T.self)
        } catch {
            throw CorruptRow(table: table, column: column)
        }
    }

    func string(_ column: String) throws -> String { try value(column, as: String.self) }
    func optionalString(_ column: String) throws -> String? { try optional(column, as: String.self) }
    func int(_ column: String) throws -> Int { try value(column, as: Int.self) }
    func optionalInt(_ column: String) throws -> Int? { try optional(column, as: Int.self) }
    func int64(_ column: String) throws -> Int64 { try value(column, as: Int64.self) }
    func optionalInt64(_ column: String) throws -> Int64? { try optional(column, as: Int64.self) }
    func flag(_ column: String) throws -> Bool { try int(column) != 0 }
    func timestamp(_ column: String) throws -> Timestamp { Timestamp(seconds: try int64(column)) }
    func optionalTimestamp(_ column: String) throws -> Timestamp? { try optionalInt64(column).map(Timestamp.init(seconds:)) }

    func id<ID: UUIDIdentifier>(_ column: String, as type: ID.Type = ID.self) throws -> ID {
        guard let id = ID(try string(column)) else { throw CorruptRow(table: table, column: column) }
        return id
    }

    func optionalID<ID: UUIDIdentifier>(_ column: String, as type: ID.Type = ID.self) throws -> ID? {
        guard let text = try optionalString(column) else { return nil }
        guard let id = ID(text) else { throw CorruptRow(table: table, column: column) }
        return id
    }

    func choice<Value: RawRepresentable>(_ column: String, as type: Value.Type = Value.self) throws -> Value
    where Value.RawValue == String {
        guard let value = Value(rawValue: try string(column)) else { throw CorruptRow(table: table, column: column) }
        return value
    }

    func metadata(_ column: String) throws -> [String: String] {
        guard let map = Metadata.decode(try string(column)) else { throw CorruptRow(table: table, column: column) }
        return map
    }

    /// The six video counters from columns `view_count` … `saved_count` (an alias prefix for joins).
    func counters(prefix: String = "") throws -> Counters {
        Counters(views: try optionalInt64(prefix + "view_count"), plays: try optionalInt64(prefix + "play_count"),
                 likes: try optionalInt64(prefix + "like_count"), comments: try optionalInt64(prefix + "comment_count"),
                 shares: try optionalInt64(prefix + "share_count"), saves: try optionalInt64(prefix + "saved_count"))
    }
}

extension SQLRow {
    func reader(_ table: String) -> RowReader { RowReader(self, table: table) }
}
