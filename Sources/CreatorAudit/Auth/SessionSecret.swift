// The secrets of the dashboard: session ids, CSRF tokens, invitation tokens. Only their SHA-256 is stored;
// a stored hash is compared in constant time. The CSRF token and the key that seals a one-time "flash"
// are derived from the session id, which only the browser holds, so neither can be rebuilt from the database.
import Crypto
import Foundation

enum SessionSecret {
    /// 32 random bytes, base64url without padding (43 characters).
    static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Base64URL.encode(bytes)
    }

    static func hash(_ secret: some StringProtocol) -> String {
        Hex.encode(SHA256.hash(data: Data(secret.utf8)))
    }

    /// The session's CSRF token (every form carries it).
    static func csrfToken(forSession secret: String) -> String {
        Base64URL.encode(HMAC<SHA256>.authenticationCode(for: Data("csrf".utf8), using: SymmetricKey(data: Data(secret.utf8))))
    }

    /// Seals `plaintext` so only a holder of the session id can open it.
    static func seal(_ plaintext: String, forSession secret: String) throws -> String {
        let box = try AES.GCM.seal(Data(plaintext.utf8), using: flashKey(secret))
        guard let combined = box.combined else { throw CryptoKitError.incorrectParameterSize }
        return combined.base64EncodedString()
    }

    static func open(_ sealed: String, forSession secret: String) -> String? {
        guard let data = Data(base64Encoded: sealed), let box = try? AES.GCM.SealedBox(combined: data),
              let plaintext = try? AES.GCM.open(box, using: flashKey(secret)) else { return nil }
        return String(decoding: plaintext, as: UTF8.self)
    }

    private static func flashKey(_ secret: String) -> SymmetricKey {
        SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Data("flash".utf8), using: SymmetricKey(data: Data(secret.utf8)))))
    }
}
