// Nullable columns without the Codable detour. SQLiteKit converts a value directly only when the requested type
// itself is `SQLiteDataConvertible`; `Optional<Int64>` is not, so `decode(column:as: Int64?.self)` went through a
// nested single-value decoder and generic-metadata lookups — 30 % of the CPU of an analytics request (perf,
// release build). Asking "is it NULL?" first and then decoding the wrapped type takes the direct path on SQLite
// and costs nothing extra on PostgreSQL.
import SQLKit

extension SQLRow {
    func decodeOptional<T: Decodable>(column: String, as type: T.Type) throws -> T? {
        try decodeNil(column: column) ? nil : decode(column: column, as: T.self)
    }
}
