// The secret itself: `ca_live_` + 30 random base62 characters + 6 base62 characters of CRC32 checksum.
// The checksum lets us (and secret scanners) refuse a mistyped or invented key without a database lookup.
import Crypto
import Foundation

public struct APIKeyToken: Sendable {
    public static let prefix = "ca_live_"
    static let randomLength = 30
    static let checksumLength = 6
    static let totalLength = 44
    static let alphabet: [UInt8] = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)

    /// The full key. Exists only while a key is created and in the one response that shows it.
    public let secret: String

    private init(secret: String) { self.secret = secret }

    /// A new key from the system CSPRNG (≈178 bits of entropy).
    public static func generate() -> APIKeyToken {
        var generator = SystemRandomNumberGenerator()
        var random: [UInt8] = []
        random.reserveCapacity(randomLength)
        while random.count < randomLength {
            // Rejection sampling: 62 * 4 = 248, so bytes 248...255 would bias the first characters.
            let byte = UInt8.random(in: 0...255, using: &generator)
            if byte < 248 { random.append(alphabet[Int(byte % 62)]) }
        }
        let body = String(decoding: random, as: UTF8.self)
        return APIKeyToken(secret: prefix + body + checksum(of: random))
    }

    /// Parses a presented credential: format and checksum only, no lookup. Nil when either fails.
    public init?(parsing candidate: Substring) {
        let bytes = candidate.utf8
        guard bytes.count == Self.totalLength, candidate.hasPrefix(Self.prefix) else { return nil }
        let rest = Array(bytes.dropFirst(Self.prefix.utf8.count))
        guard rest.allSatisfy(Self.isBase62) else { return nil }
        let random = rest[0..<Self.randomLength]
        let checksum = String(decoding: rest[Self.randomLength...], as: UTF8.self)
        guard Self.checksum(of: random) == checksum else { return nil }
        self.secret = String(candidate)
    }

    public init?(parsing candidate: String) { self.init(parsing: candidate[...]) }

    /// SHA-256 of the whole key: the only form that is stored.
    public var hash: KeyHash { KeyHash(of: secret) }

    /// `ca_live_` + first 4 random characters + `…` + last 4 characters — for recognition, not secret.
    public var masked: String {
        let body = secret.dropFirst(Self.prefix.count)
        return Self.prefix + body.prefix(4) + "…" + secret.suffix(4)
    }

    static func isBase62(_ byte: UInt8) -> Bool {
        (byte >= 48 && byte <= 57) || (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122)
    }

    /// CRC32 (IEEE) of the random characters as 6 base62 digits, left-padded with `0`.
    static func checksum<Bytes: Collection>(of random: Bytes) -> String where Bytes.Element == UInt8 {
        var value = UInt64(CRC32.checksum(random))
        var digits = [UInt8](repeating: alphabet[0], count: checksumLength)
        var index = checksumLength - 1
        while value > 0 && index >= 0 {
            digits[index] = alphabet[Int(value % 62)]
            value /= 62
            index -= 1
        }
        return String(decoding: digits, as: UTF8.self)
    }
}

/// SHA-256 of a key, lowercase hex. Unique-indexed in `api_keys.key_hash`, kept after deletion as a tombstone.
public struct KeyHash: Hashable, Sendable, CustomStringConvertible {
    public let hex: String
    public init(hex: String) { self.hex = hex }
    public init(of secret: String) { self.hex = Hex.encode(SHA256.hash(data: Data(secret.utf8))) }
    public var description: String { hex }
}

/// CRC-32 with the IEEE 802.3 polynomial (the one zlib and GitHub's token checksums use).
enum CRC32 {
    static let table: [UInt32] = (0..<256).map { index -> UInt32 in
        var crc = UInt32(index)
        for _ in 0..<8 { crc = (crc & 1) != 0 ? (0xEDB8_8320 ^ (crc >> 1)) : (crc >> 1) }
        return crc
    }

    static func checksum<Bytes: Sequence>(_ bytes: Bytes) -> UInt32 where Bytes.Element == UInt8 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }
}
