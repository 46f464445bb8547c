// Reading an import file without holding it: 1 MiB at a time, one line or CSV record at a time. Memory is
// the buffer plus the longest record, whatever the size of the file.
import Foundation

/// A field's value as the file spelled it. NDJSON keeps JSON's types; CSV has only text.
enum ImportValue: Equatable {
    case string(String)
    /// A JSON number, exactly as written.
    case number(String)
    case bool(Bool)
    /// CSV text: any type, read by what the field expects.
    case text(String)
    /// A JSON array or object: no import field takes one.
    case nested
}

/// One record: its first line in the file and its non-empty fields (JSON `null` and empty CSV cells are absent).
struct ImportLine {
    var number: Int
    var fields: [String: ImportValue]
}

/// Lines of a file, read in chunks. `\n` ends a line; a `\r` before it is kept for the caller to decide.
final class LineReader {
    static let chunkSize = 1 << 20
    static let maximumLineLength = 8 << 20

    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var start = 0
    private var atEnd = false
    /// Bytes handed out so far (for progress).
    private(set) var bytesRead: Int64 = 0
    /// The number of the last line handed out (1-based).
    private(set) var lineNumber = 0
    let fileSize: Int64

    init(path: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw ImportFileError(description: "cannot read \(path)") }
        self.handle = handle
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        fileSize = (attributes?[.size] as? NSNumber)?.int64Value ?? 0
    }

    deinit { try? handle.close() }

    /// The next line without its `\n`, or nil at the end of the file.
    func nextLine() throws -> [UInt8]? {
        while true {
            if let newline = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) {
                let line = Array(buffer[start..<newline])
                bytesRead += Int64(newline - start + 1)
                start = newline + 1
                lineNumber += 1
                return line
            }
            if atEnd {
                guard start < buffer.count else { return nil }
                let line = Array(buffer[start...])
                bytesRead += Int64(buffer.count - start)
                start = buffer.count
                lineNumber += 1
                return line
            }
            guard buffer.count - start < Self.maximumLineLength else {
                throw ImportError(line: lineNumber + 1, field: nil, reason: "is longer than 8 MiB")
            }
            // Keep the unread tail, then read another chunk after it.
            if start > 0 {
                buffer.removeSubrange(0..<start)
                start = 0
            }
            let chunk = try handle.read(upToCount: Self.chunkSize) ?? Data()
            if chunk.isEmpty { atEnd = true } else { buffer.append(contentsOf: chunk) }
        }
    }
}

/// Records of either format, one at a time.
protocol ImportRecordReader {
    mutating func next() throws -> ImportLine?
}

/// NDJSON: one flat JSON object per line; blank lines are skipped.
struct NDJSONRecords: ImportRecordReader {
    let reader: LineReader

    mutating func next() throws -> ImportLine? {
        while let line = try reader.nextLine() {
            var parser = FlatJSONParser(bytes: line, line: reader.lineNumber)
            guard !parser.isBlank else { continue }
            return ImportLine(number: reader.lineNumber, fields: try parser.object())
        }
        return nil
    }
}

/// CSV (RFC 4180): a header row of field names, then records; fields may be quoted, with `""` for a quote and
/// commas or line breaks inside. Blank lines are skipped.
struct CSVRecords: ImportRecordReader {
    let reader: LineReader
    private var header: [String] = []

    init(reader: LineReader) throws {
        self.reader = reader
        while let first = try Self.record(reader) {
            guard first.cells != [""] else { continue }
            header = first.cells.enumerated().map { index, cell in
                var name = cell.trimmingCharacters(in: .whitespaces)
                if index == 0, name.hasPrefix("\u{FEFF}") { name.removeFirst() }
                return name
            }
            if let duplicate = Dictionary(grouping: header, by: { $0 }).first(where: { $0.value.count > 1 && !$0.key.isEmpty }) {
                throw ImportError(line: first.line, field: duplicate.key, reason: "appears twice in the header")
            }
            guard header.contains("kind") else { throw ImportError(line: first.line, field: "kind", reason: "is missing from the header") }
            return
        }
        throw ImportError(line: 1, field: nil, reason: "the file is empty (a CSV file starts with a header row)")
    }

    mutating func next() throws -> ImportLine? {
        while let record = try Self.record(reader) {
            if record.cells == [""] { continue }
            guard record.cells.count == header.count else {
                throw ImportError(
                    line: record.line, field: nil, reason: "has \(record.cells.count) fields, the header has \(header.count)")
            }
            var fields: [String: ImportValue] = [:]
            for (name, cell) in zip(header, record.cells) where !cell.isEmpty && !name.isEmpty {
                fields[name] = .text(cell)
            }
            return ImportLine(number: record.line, fields: fields)
        }
        return nil
    }

    /// The next record's cells, continuing onto further lines while a quoted field is open.
    static func record(_ reader: LineReader) throws -> (line: Int, cells: [String])? {
        guard var line = try reader.nextLine() else { return nil }
        let first = reader.lineNumber
        var cells: [String] = []
        var cell: [UInt8] = []
        var index = 0
        var quoted = false
        var wasQuoted = false
        while true {
            if index == line.count {
                if quoted {
                    // A line break inside quotes belongs to the field.
                    guard let more = try reader.nextLine() else {
                        throw ImportError(line: first, field: nil, reason: "a quoted field is not closed")
                    }
                    cell.append(UInt8(ascii: "\n"))
                    line = more
                    index = 0
                    continue
                }
                if !wasQuoted, cell.last == UInt8(ascii: "\r") { cell.removeLast() }
                cells.append(String(decoding: cell, as: UTF8.self))
                return (first, cells)
            }
            let byte = line[index]
            index += 1
            if quoted {
                if byte == UInt8(ascii: "\"") {
                    if index < line.count, line[index] == UInt8(ascii: "\"") {
                        cell.append(byte)
                        index += 1
                    } else {
                        quoted = false
                    }
                } else {
                    cell.append(byte)
                }
            } else if byte == UInt8(ascii: ",") {
                cells.append(String(decoding: cell, as: UTF8.self))
                cell.removeAll(keepingCapacity: true)
                wasQuoted = false
            } else if byte == UInt8(ascii: "\""), cell.isEmpty, !wasQuoted {
                quoted = true
                wasQuoted = true
            } else if wasQuoted {
                // After the closing quote only a comma or the end of the record may follow (a `\r` is the end).
                if byte == UInt8(ascii: "\r"), index == line.count { continue }
                throw ImportError(line: reader.lineNumber, field: nil, reason: "unexpected text after a quoted field")
            } else {
                cell.append(byte)
            }
        }
    }
}
