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

    let signingKey: SymmetricKey

    init(instanceKey: SymmetricKey) {
        signingKey = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: instanceKey, info: Array("creatoraudit mcp session id v1".utf8), outputByteCount: 32)
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
        var hmac = HMAC<SHA256>(key: signingKey)
        hmac.update(data: random)
        hmac.update(data: Array(keyID.description.utf8))
        return Array(hmac.finalize().prefix(Self.macBytes))
    }

    static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func decodeBase64URL(_ text: String) -> [UInt8]? {
        guard text.utf8.count <= 64 else { return nil }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.utf8.count % 4 != 0 { base64.append("=") }
        return Data(base64Encoded: base64).map(Array.init)
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
}
