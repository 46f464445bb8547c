import Foundation
import Testing
@testable import CreatorAudit

@Suite("API key format")
struct KeyFormatTests {
    nonisolated(unsafe) static let pattern = try! Regex("^ca_live_[0-9A-Za-z]{36}$")

    @Test("generated keys match the documented regex and verify their own checksum")
    func formatAndChecksum() throws {
        for _ in 0..<1000 {
            let token = APIKeyToken.generate()
            #expect(token.secret.wholeMatch(of: Self.pattern) != nil)
            #expect(token.secret.count == 44)
            #expect(APIKeyToken(parsing: token.secret) != nil)
        }
    }

    @Test("the checksum is CRC32 (IEEE) of the random part as 6 left-padded base62 digits")
    func checksumConstruction() throws {
        // Known CRC32 vector: crc32("123456789") = 0xCBF43926 = 3421780262.
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        var value: UInt64 = 3_421_780_262
        var digits: [Character] = []
        let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
        while value > 0 { digits.insert(alphabet[Int(value % 62)], at: 0); value /= 62 }
        let expected = String(repeating: "0", count: 6 - digits.count) + String(digits)
        #expect(APIKeyToken.checksum(of: Array("123456789".utf8)) == expected)
        let token = APIKeyToken.generate()
        let random = Array(token.secret.utf8.dropFirst(8).prefix(30))
        #expect(token.secret.hasSuffix(APIKeyToken.checksum(of: random)))
    }

    @Test("10,000 generated keys are distinct")
    func distinct() {
        let keys = Set((0..<10_000).map { _ in APIKeyToken.generate().secret })
        #expect(keys.count == 10_000)
    }

    @Test("changing any one character of the random part or the checksum fails the checksum")
    func oneCharacterChange() {
        let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
        for _ in 0..<20 {
            let secret = Array(APIKeyToken.generate().secret)
            for position in 8..<44 {
                var changed = secret
                var replacement = alphabet.randomElement()!
                while replacement == secret[position] { replacement = alphabet.randomElement()! }
                changed[position] = replacement
                #expect(APIKeyToken(parsing: String(changed)) == nil, "position \(position)")
            }
        }
    }

    @Test("malformed candidates are refused without a lookup", arguments: [
        "", "ca_live_", "ca_test_" + String(repeating: "a", count: 36), "ca_live_" + String(repeating: "a", count: 35),
        "ca_live_" + String(repeating: "a", count: 37), "ca_live_" + String(repeating: "-", count: 36),
        "CA_LIVE_" + String(repeating: "a", count: 36),
    ])
    func malformed(candidate: String) {
        #expect(APIKeyToken(parsing: candidate) == nil)
    }

    @Test("the masked form shows the prefix, 4 random characters, an ellipsis and the last 4")
    func masked() {
        let token = APIKeyToken.generate()
        let secret = token.secret
        let expected = "ca_live_" + secret.dropFirst(8).prefix(4) + "…" + secret.suffix(4)
        #expect(token.masked == expected)
        #expect(!token.masked.contains(String(secret.dropFirst(12).prefix(20))))
    }

    @Test("only the SHA-256 of the whole key is derived for storage")
    func hash() {
        let token = APIKeyToken.generate()
        #expect(token.hash.hex.count == 64)
        #expect(token.hash == KeyHash(of: token.secret))
        #expect(!token.hash.hex.contains(String(token.secret.dropFirst(8).prefix(8))))
    }
}
