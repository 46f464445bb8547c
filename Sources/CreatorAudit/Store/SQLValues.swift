// The rows of a multi-row statement's `VALUES` list, written value by value into one string (SnapshotWriter's
// header: the snapshot and level rows are SQL text, not binds). A row as an array of strings joined by commas cost
// an array and a string per row and per value; the collector writes some two thousand such rows per batch, on
// SQLite's writer (BENCHMARKS.md, "Collector"). Typed values only — integers, UUID ids, and text the caller wrote
// from fixed words — so nothing a client or a platform sent can reach the statement's text.
import SQLKit

struct SQLValues {
    private var text = ""
    private var valueWritten = false

    /// `rows` × `columns`: room for that many values of a typical width, so the text grows once.
    init(rows: Int, columns: Int) {
        text.reserveCapacity(rows * (columns * 14 + 4))
    }

    var isEmpty: Bool { text.isEmpty }

    /// The rows written so far, as SQL text: `(…), (…), …`.
    var query: SQLQueryString { "\(unsafeRaw: text)" }

    /// Writes one row: `values` writes its values in column order.
    mutating func row(_ values: (inout SQLValues) -> Void) {
        text += text.isEmpty ? "(" : ", ("
        valueWritten = false
        values(&self)
        text += ")"
    }

    mutating func number(_ value: Int64?) {
        separate()
        if let value { text += String(value) } else { text += "NULL" }
    }

    mutating func number(_ value: Int) { number(Int64(value)) }

    /// A UUID id, quoted (its canonical form has only hex digits and dashes).
    mutating func id(_ id: some UUIDIdentifier) {
        separate()
        text += "'"
        text += id.description
        text += "'"
    }

    /// The six counters, views to saves.
    mutating func counters(_ c: Counters) {
        for slot in 0..<Counters.count { number(c[slot: slot]) }
    }

    /// A value the caller has already written as SQL text from typed values (a quoted id, a fixed word).
    mutating func sql(_ text: String) {
        separate()
        self.text += text
    }

    private mutating func separate() {
        if valueWritten { text += ", " } else { valueWritten = true }
    }
}
