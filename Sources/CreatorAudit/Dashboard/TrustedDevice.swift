// "This browser has signed in as this email before": a `__Host-device` cookie set at every successful sign-in
// (a random nonce and an HMAC of nonce and email under an installation-wide key; nothing stored). It only
// relaxes throttling — such a browser is exempt from the per-email and per-address sign-in limits, so a
// stranger's failures cannot lock the member out (Auth/SignInThrottle.swift) — it never signs anyone in.
// The approach is OWASP's "device cookies" against online guessing.
import Crypto
import Foundation
import Hummingbird

struct TrustedDevice: Sendable {
    static let cookieName = "__Host-device"
    static let maximumAge = 365 * 86_400

    let key: SymmetricKey

    /// Derived from the installation's cursor key, so every node agrees without another stored secret.
    static func load(_ secrets: InstanceSecrets) async throws -> TrustedDevice {
        let base = try await secrets.cursorKey()
        let derived = HMAC<SHA256>.authenticationCode(for: Data("sign-in trusted device".utf8), using: base)
        return TrustedDevice(key: SymmetricKey(data: Data(derived)))
    }

    /// The `Set-Cookie` value naming this browser trusted for `email`.
    func cookie(for email: String) -> String {
        let nonce = SessionSecret.generate()
        return "\(Self.cookieName)=\(nonce).\(mac(nonce: nonce, email: email)); Path=/; Max-Age=\(Self.maximumAge); "
            + "Secure; HttpOnly; SameSite=Strict"
    }

    /// Whether the request carries a cookie earned by signing in as `email`.
    func isTrusted(_ request: Request, email: String) -> Bool {
        guard let value = request.cookies[Self.cookieName]?.value, value.utf8.count <= 128 else { return false }
        let parts = value.split(separator: ".", maxSplits: 1)
        guard parts.count == 2 else { return false }
        return ConstantTime.equal(String(parts[1]), mac(nonce: String(parts[0]), email: email))
    }

    private func mac(nonce: String, email: String) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: Data((nonce + "|" + email).utf8), using: key)
        return Base64URL.encode(Data(code))
    }
}
