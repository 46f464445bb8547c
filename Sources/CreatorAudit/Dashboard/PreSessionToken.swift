// The CSRF token of the forms that start a session (sign-in, accepting an invitation). Without one, another
// site could post its own credentials from an old browser that sends neither `Sec-Fetch-Site` nor a real
// `Origin` and sign the victim in to the attacker's account (login CSRF). The form page sets a random
// `__Host-presession` cookie (only this host can set a `__Host-` cookie) and the form carries a token derived
// from it, as a signed-in form carries one derived from the session; a post must bring both, matching.
import Foundation
import HTTPTypes
import Hummingbird

enum PreSessionToken {
    static let cookieName = "__Host-presession"

    /// The browser's pre-session secret and, when it had none, the `Set-Cookie` value that gives it one.
    static func ensure(_ request: Request) -> (secret: String, setCookie: String?) {
        if let secret = secret(in: request) { return (secret, nil) }
        let secret = SessionSecret.generate()
        return (secret, "\(cookieName)=\(secret); Path=/; Secure; HttpOnly; SameSite=Strict")
    }

    /// The token a form page embeds.
    static func formToken(_ secret: String) -> String { SessionSecret.csrfToken(forSession: secret) }

    /// Whether a post carries the token of the cookie it came with (compared as SHA-256, in constant time).
    static func isValid(_ request: Request, form: FormData) -> Bool {
        guard let secret = secret(in: request), let token = form["csrf_token"] else { return false }
        return ConstantTime.equal(SessionSecret.hash(token), SessionSecret.hash(formToken(secret)))
    }

    private static func secret(in request: Request) -> String? {
        guard let value = request.cookies[cookieName]?.value, (32...128).contains(value.utf8.count) else { return nil }
        return value
    }

    /// Adds the cookie to a form page's response when the browser did not have it yet.
    static func apply(_ setCookie: String?, to response: inout Response) {
        guard let setCookie else { return }
        response.headers.append(HTTPField(name: .setCookie, value: setCookie))
    }
}
