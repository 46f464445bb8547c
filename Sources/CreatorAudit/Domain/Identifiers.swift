// Small wrapper types for ids, so an API key id can never be passed where an organization id belongs.
import Foundation

public protocol UUIDIdentifier: Hashable, Sendable, Codable, CustomStringConvertible {
    var uuid: UUID { get }
    init(uuid: UUID)
    /// A new id: random (version 4) unless the type says otherwise.
    init()
}

extension UUIDIdentifier {
    public init() { self.init(uuid: UUID()) }
    /// Parses a lowercase or uppercase UUID; nil for anything else.
    public init?(_ string: String) {
        guard let uuid = FastUUID.parse(string) else { return nil }
        self.init(uuid: uuid)
    }
    /// The canonical (lowercase) form used in the database and in JSON.
    public var description: String { FastUUID.string(uuid) }
    public init(from decoder: any Decoder) throws {
        let string = try decoder.singleValueContainer().decode(String.self)
        guard let uuid = UUID(uuidString: string) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a UUID"))
        }
        self.init(uuid: uuid)
    }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

public struct OrganizationID: UUIDIdentifier { public let uuid: UUID; public init(uuid: UUID) { self.uuid = uuid } }
public struct APIKeyID: UUIDIdentifier { public let uuid: UUID; public init(uuid: UUID) { self.uuid = uuid } }
public struct MemberID: UUIDIdentifier { public let uuid: UUID; public init(uuid: UUID) { self.uuid = uuid } }
public struct AuditEventID: UUIDIdentifier { public let uuid: UUID; public init(uuid: UUID) { self.uuid = uuid } }
public struct CreatorID: UUIDIdentifier { public let uuid: UUID; public init(uuid: UUID) { self.uuid = uuid } }

/// Accounts and videos get time-ordered ids (version 7): the rows keyed by them — snapshots and daily rollups by
/// `(video_id, …)`, the primary keys — are written next to each other, so a refresh of an account's 30 posts
/// changes a few index pages instead of 30 scattered ones (docs/architecture.md, "Identifiers").
public struct AccountID: UUIDIdentifier {
    public let uuid: UUID
    public init(uuid: UUID) { self.uuid = uuid }
    public init() { self.init(uuid: FastUUID.timeOrdered()) }
}

public struct VideoID: UUIDIdentifier {
    public let uuid: UUID
    public init(uuid: UUID) { self.uuid = uuid }
    public init() { self.init(uuid: FastUUID.timeOrdered()) }
}

/// UUID parsing without Foundation's sscanf-based `UUID(uuidString:)` (a hot spot when decoding list rows), and
/// formatting without its `uuidString`, which goes through `snprintf` (a few per cent of a small request: every
/// response names a key or an organization; BENCHMARKS.md, "MCP").
enum FastUUID {
    /// The lowercase canonical form, `8-4-4-4-12` hex digits.
    static func string(_ uuid: UUID) -> String {
        withUnsafeBytes(of: uuid.uuid) { string(UInt64(bigEndianBytes: $0, at: 0), UInt64(bigEndianBytes: $0, at: 8)) }
    }

    /// A new random (version 4, RFC 9562 variant) UUID's lowercase canonical form.
    static func randomString() -> String {
        var generator = SystemRandomNumberGenerator()
        let high = (generator.next() as UInt64) & ~0xF000 | 0x4000
        let low = (generator.next() as UInt64) & ~(0xC0 << 56) | (0x80 << 56)
        return string(high, low)
    }

    /// A new time-ordered UUID (version 7, RFC 9562): 48 bits of Unix time in milliseconds, then the version, then
    /// 74 random bits. Ids made later sort after earlier ones (as text too: hex digits in byte order).
    static func timeOrdered(milliseconds: UInt64 = UInt64(max(0, Date().timeIntervalSince1970 * 1_000))) -> UUID {
        var generator = SystemRandomNumberGenerator()
        let high = milliseconds << 16 | 0x7000 | (generator.next() as UInt64) & 0x0FFF
        let low = (generator.next() as UInt64) & ~(0xC0 << 56) | (0x80 << 56)
        var bytes: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &bytes) { buffer in
            buffer.storeBytes(of: high.bigEndian, toByteOffset: 0, as: UInt64.self)
            buffer.storeBytes(of: low.bigEndian, toByteOffset: 8, as: UInt64.self)
        }
        return UUID(uuid: bytes)
    }

    /// The 128 bits `high ‖ low` (big-endian order, as a UUID's bytes) formatted.
    private static func string(_ high: UInt64, _ low: UInt64) -> String {
        String(unsafeUninitializedCapacity: 36) { buffer in
            let digits: StaticString = "0123456789abcdef"
            var position = 0
            for nibble in 0..<32 {
                if position == 8 || position == 13 || position == 18 || position == 23 {
                    buffer[position] = UInt8(ascii: "-")
                    position += 1
                }
                let word = nibble < 16 ? high : low
                buffer[position] = digits.utf8Start[Int((word >> UInt64(60 - 4 * (nibble % 16))) & 0xF)]
                position += 1
            }
            return position
        }
    }

    static func parse(_ string: String) -> UUID? {
        var bytes = [UInt8](repeating: 0, count: 16)
        var index = 0
        var high: UInt8?
        var count = 0
        for (position, character) in string.utf8.enumerated() {
            count += 1
            if position == 8 || position == 13 || position == 18 || position == 23 {
                guard character == UInt8(ascii: "-") else { return nil }
                continue
            }
            let value: UInt8
            switch character {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = character - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): value = character - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): value = character - UInt8(ascii: "A") + 10
            default: return nil
            }
            if let first = high {
                guard index < 16 else { return nil }
                bytes[index] = first << 4 | value
                index += 1
                high = nil
            } else {
                high = value
            }
        }
        guard count == 36, index == 16 else { return nil }
        return UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                           bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
    }
}

extension UInt64 {
    /// The eight bytes of `bytes` from `offset`, most significant first.
    init(bigEndianBytes bytes: UnsafeRawBufferPointer, at offset: Int) {
        var value: UInt64 = 0
        for index in offset..<(offset + 8) { value = value << 8 | UInt64(bytes[index]) }
        self = value
    }
}
