// `Mcp-Session-Id` values (docs/mcp.md, "Sessions"). A session id is 16 random bytes plus an HMAC that binds them
// to the API key that opened the session, under a key every node of the installation shares (derived from the
// instance secret that also signs pagination cursors). The server keeps no table of sessions: any node verifies
// an id with the key that presents it, sessions survive restarts and cost no memory, and an id shown with
// another key is as unknown as a made-up one (404). A session gives no access by itself: every request to /mcp
// still carries the key, which is verified each time.
import Crypto
import Foundation
import NIOConcurrencyHelpers

struct MCPSessionID: Sendable {
    static let randomBytes = 16
    static let macBytes = 16

    /// An HMAC already keyed: copying it skips deriving the key's pads on every request.
    private let keyed: HMAC<SHA256>

    init(instanceKey: SymmetricKey) {
        let signingKey = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: instanceKey, info: Array("creatoraudit mcp session id v1".utf8), outputByteCount: 32)
        keyed = HMAC<SHA256>(key: signingKey)
    }

    /// A new session id for `keyID` (43 visible ASCII characters: base64url without padding).
    func issue(for keyID: APIKeyID) -> String {
        var random = [UInt8](repeating: 0, count: Self.randomBytes)
        var generator = SystemRandomNumberGenerator()
        for index in random.indices { random[index] = UInt8.random(in: .min ... .max, using: &generator) }
        return Self.base64URL(random + mac(random, keyID))
    }

    /// Whether `sessionID` was issued by this installation for `keyID`.
    func verify(_ sessionID: String, for keyID: APIKeyID) -> Bool {
        guard let bytes = Self.decodeBase64URL(sessionID), bytes.count == Self.randomBytes + Self.macBytes else {
            return false
        }
        let random = Array(bytes.prefix(Self.randomBytes))
        let expected = mac(random, keyID)
        // Constant time: how much of a forged id matched must not show in the timing.
        return zip(bytes.suffix(Self.macBytes), expected).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    private func mac(_ random: [UInt8], _ keyID: APIKeyID) -> [UInt8] {
        var hmac = keyed
        hmac.update(data: random)
        withUnsafeBytes(of: keyID.uuid.uuid) { hmac.update(data: $0) }
        return Array(hmac.finalize().prefix(Self.macBytes))
    }

    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
    /// Byte → its 6-bit value in `alphabet`, 0xFF for anything else. (Foundation's base64 and string
    /// replacement were a visible share of every request in the MCP benchmark's profile.)
    static let values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, byte) in alphabet.enumerated() { table[Int(byte)] = UInt8(index) }
        return table
    }()

    /// base64url without padding (RFC 4648 §5).
    static func base64URL(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count * 4 + 2) / 3)
        var index = 0
        while index < bytes.count {
            let chunk = bytes[index..<min(index + 3, bytes.count)]
            var bits = 0
            for byte in chunk { bits = bits << 8 | Int(byte) }
            bits <<= 8 * (3 - chunk.count)
            for position in 0...chunk.count { out.append(alphabet[(bits >> (18 - 6 * position)) & 0x3F]) }
            index += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func decodeBase64URL(_ text: String) -> [UInt8]? {
        let input = Array(text.utf8)
        guard input.count <= 64, input.count % 4 != 1 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(input.count * 3 / 4)
        var bits = 0, count = 0
        for byte in input {
            let value = values[Int(byte)]
            guard value != 0xFF else { return nil }
            bits = bits << 6 | Int(value)
            count += 6
            if count >= 8 {
                count -= 8
                out.append(UInt8((bits >> count) & 0xFF))
            }
        }
        return out
    }
}

/// The session-id signer, made once from the instance secret (read from the database on first use).
final class MCPSessions: Sendable {
    private let secrets: InstanceSecrets
    private let signer = NIOLockedValueBox<MCPSessionID?>(nil)

    init(secrets: InstanceSecrets) { self.secrets = secrets }

    func current() async throws -> MCPSessionID {
        if let signer = signer.withLockedValue({ $0 }) { return signer }
        let made = MCPSessionID(instanceKey: try await secrets.cursorKey())
        signer.withLockedValue { $0 = made }
        return made
    }

    /// Session ids this process has verified, with their key: a client sends the same id with every request, and
    /// its HMAC was a few per cent of a small tool call's CPU (BENCHMARKS.md, "MCP"). Only ids that verified are
    /// kept, under their key's id, so a lookup can only ever match the presenting key's own sessions.
    private let verified = NIOLockedValueBox(Set<String>())
    static let verifiedCap = 4_096

    /// Whether `sessionID` was issued by this installation for `keyID` (`MCPSessionID.verify`, remembered).
    func verify(_ sessionID: String, for keyID: APIKeyID, with signer: MCPSessionID) -> Bool {
        let entry = keyID.description + " " + sessionID
        if verified.withLockedValue({ $0.contains(entry) }) { return true }
        guard signer.verify(sessionID, for: keyID) else { return false }
        verified.withLockedValue { set in
            if set.count >= Self.verifiedCap { set.removeAll(keepingCapacity: true) }
            set.insert(entry)
        }
        return true
    }
}
