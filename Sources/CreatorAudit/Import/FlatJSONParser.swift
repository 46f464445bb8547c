// A JSON object of one NDJSON line, read straight from its bytes. Import records are flat (strings, numbers,
// booleans, null), so this keeps scalars and skips nested values of fields it does not know; a full
// JSON parser per line would cost more than the database writes. Errors name the line.
import Foundation

struct FlatJSONParser {
    let bytes: [UInt8]
    let line: Int
    private var index = 0

    init(bytes: [UInt8], line: Int) {
        self.bytes = bytes
        self.line = line
    }

    var isBlank: Bool { bytes.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D } }

    /// The line's object: its fields (null = absent).
    mutating func object() throws -> [String: ImportValue] {
        skipSpace()
        guard peek == UInt8(ascii: "{") else { throw invalid("is not a JSON object") }
        index += 1
        var fields: [String: ImportValue] = [:]
        skipSpace()
        if peek == UInt8(ascii: "}") {
            index += 1
        } else {
            while true {
                skipSpace()
                guard peek == UInt8(ascii: "\"") else { throw invalid("is not valid JSON (a field name was expected)") }
                let name = try string()
                skipSpace()
                guard peek == UInt8(ascii: ":") else { throw invalid("is not valid JSON (':' was expected)") }
                index += 1
                skipSpace()
                if let value = try value(depth: 0) { fields[name] = value } else { fields.removeValue(forKey: name) }
                skipSpace()
                if peek == UInt8(ascii: ",") { index += 1; continue }
                if peek == UInt8(ascii: "}") { index += 1; break }
                throw invalid("is not valid JSON (',' or '}' was expected)")
            }
        }
        skipSpace()
        guard index == bytes.count else { throw invalid("has text after the JSON object") }
        return fields
    }

    private var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

    private func invalid(_ reason: String) -> ImportError { ImportError(line: line, field: nil, reason: reason) }

    private mutating func skipSpace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    /// A scalar; `.nested` for an array or object (skipped); nil for null.
    private mutating func value(depth: Int) throws -> ImportValue? {
        guard depth < 32 else { throw invalid("is nested too deeply") }
        guard let byte = peek else { throw invalid("is not valid JSON (a value was expected)") }
        switch byte {
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return nil
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
        case UInt8(ascii: "["), UInt8(ascii: "{"):
            let close = byte == UInt8(ascii: "[") ? UInt8(ascii: "]") : UInt8(ascii: "}")
            index += 1
            skipSpace()
            if peek == close { index += 1; return .nested }
            while true {
                skipSpace()
                if close == UInt8(ascii: "}") {
                    guard peek == UInt8(ascii: "\"") else { throw invalid("is not valid JSON (a field name was expected)") }
                    _ = try string()
                    skipSpace()
                    guard peek == UInt8(ascii: ":") else { throw invalid("is not valid JSON (':' was expected)") }
                    index += 1
                    skipSpace()
                }
                _ = try value(depth: depth + 1)
                skipSpace()
                if peek == UInt8(ascii: ",") { index += 1; continue }
                if peek == close { index += 1; return .nested }
                throw invalid("is not valid JSON (an unclosed array or object)")
            }
        default:
            throw invalid("is not valid JSON (unexpected character)")
        }
    }

    private mutating func literal(_ word: String) throws {
        for expected in word.utf8 {
            guard peek == expected else { throw invalid("is not valid JSON (unexpected word)") }
            index += 1
        }
    }

    /// A JSON number's text, checked against the grammar.
    private mutating func number() throws -> String {
        let begin = index
        func digits() -> Int {
            let from = index
            while let byte = peek, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") { index += 1 }
            return index - from
        }
        if peek == UInt8(ascii: "-") { index += 1 }
        let integer = digits()
        guard integer > 0, !(integer > 1 && bytes[index - integer] == UInt8(ascii: "0")) else {
            throw invalid("is not valid JSON (a malformed number)")
        }
        if peek == UInt8(ascii: ".") {
            index += 1
            guard digits() > 0 else { throw invalid("is not valid JSON (a malformed number)") }
        }
        if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
            index += 1
            if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { index += 1 }
            guard digits() > 0 else { throw invalid("is not valid JSON (a malformed number)") }
        }
        return String(decoding: bytes[begin..<index], as: UTF8.self)
    }

    /// A JSON string (the opening quote at `index`), escapes resolved.
    private mutating func string() throws -> String {
        index += 1
        let begin = index
        // Fast path: no escapes.
        while let byte = peek, byte != UInt8(ascii: "\""), byte != UInt8(ascii: "\\"), byte >= 0x20 { index += 1 }
        if peek == UInt8(ascii: "\"") {
            index += 1
            return String(decoding: bytes[begin..<(index - 1)], as: UTF8.self)
        }
        var output = Array(bytes[begin..<index])
        while true {
            guard let byte = peek else { throw invalid("is not valid JSON (an unterminated string)") }
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(decoding: output, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard let escape = peek else { throw invalid("is not valid JSON (an unterminated string)") }
                index += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): output.append(escape)
                case UInt8(ascii: "b"): output.append(0x08)
                case UInt8(ascii: "f"): output.append(0x0C)
                case UInt8(ascii: "n"): output.append(0x0A)
                case UInt8(ascii: "r"): output.append(0x0D)
                case UInt8(ascii: "t"): output.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800...0xDBFF).contains(scalar) {
                        guard peek == UInt8(ascii: "\\"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "u") else {
                            throw invalid("is not valid JSON (an unpaired surrogate)")
                        }
                        index += 2
                        let low = try hex4()
                        guard (0xDC00...0xDFFF).contains(low) else { throw invalid("is not valid JSON (an unpaired surrogate)") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let unicode = Unicode.Scalar(scalar) else { throw invalid("is not valid JSON (an unpaired surrogate)") }
                    output.append(contentsOf: Array(String(Character(unicode)).utf8))
                default:
                    throw invalid("is not valid JSON (an unknown escape)")
                }
            default:
                guard byte >= 0x20 else { throw invalid("is not valid JSON (a control character in a string)") }
                output.append(byte)
            }
        }
    }

    private mutating func hex4() throws -> UInt32 {
        guard index + 4 <= bytes.count else { throw invalid("is not valid JSON (a short \\u escape)") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw invalid("is not valid JSON (a bad \\u escape)")
            }
            value = value << 4 | digit
            index += 1
        }
        return value
    }
}
