// A browser for dashboard tests: keeps the session cookie, does not follow redirects (tests look at them),
// and reads the CSRF token from the last page, as a form would submit it.
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL
@testable import CreatorAudit

final class DashboardClient: @unchecked Sendable {
    let server: TestServer
    let client: HTTPClient
    var cookie: String?
    /// The other cookies the server set (the sign-in form's pre-session cookie, the trusted-device cookie).
    var otherCookies: [String: String] = [:]
    /// The CSRF token of the last page that had a form.
    var csrf: String?

    init(_ server: TestServer) throws {
        self.server = server
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(server.certificatePath))
        var configuration = HTTPClient.Configuration(tlsConfiguration: tls, redirectConfiguration: .disallow)
        configuration.timeout = .init(connect: .seconds(5), read: .seconds(15))
        self.client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    func shutdown() async throws { try await client.shutdown() }

    @discardableResult
    func get(_ path: String, headers: [(String, String)] = []) async throws -> TestResponse {
        try await send(.GET, path, headers: headers)
    }

    /// A form POST; `csrf_token` is added from the last page unless `csrf` is given (or `nil` to send none).
    @discardableResult
    func post(_ path: String, _ fields: [(String, String)] = [], csrf: String?? = .some(nil),
              headers: [(String, String)] = []) async throws -> TestResponse {
        var all = fields
        switch csrf {
        case .some(.some(let token)): all.append(("csrf_token", token))
        case .some(.none): if let token = self.csrf { all.append(("csrf_token", token)) }
        case .none: break
        }
        let body = all.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
        return try await send(.POST, path, body: body, headers: [("Content-Type", "application/x-www-form-urlencoded")] + headers)
    }

    func send(_ method: HTTPMethod, _ path: String, body: String? = nil, headers: [(String, String)] = []) async throws -> TestResponse {
        var all = headers
        var cookies = otherCookies.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        if let cookie { cookies.append("\(SessionCookie.name)=\(cookie)") }
        if !cookies.isEmpty { all.append(("Cookie", cookies.joined(separator: "; "))) }
        let response = try await server.request(method, path, headers: all, body: body, using: client)
        for setCookie in response.headers["Set-Cookie"] {
            let pair = setCookie.prefix { $0 != ";" }
            guard let equals = pair.firstIndex(of: "=") else { continue }
            let name = String(pair[..<equals]), value = String(pair[pair.index(after: equals)...])
            if name == SessionCookie.name {
                cookie = value.isEmpty ? nil : value
            } else {
                otherCookies[name] = value.isEmpty ? nil : value
            }
        }
        if let token = Self.firstMatch(#"name="csrf_token" value="([^"]+)""#, in: response.body) { csrf = token }
        return response
    }

    /// Signs in through the form: opens the sign-in page (its pre-session cookie and token), then posts it.
    @discardableResult
    func signIn(_ email: String, _ password: String, headers: [(String, String)] = []) async throws -> TestResponse {
        let page = try await get("/sign-in", headers: headers)
        // Signed in already, the page redirects: post the form as a tab opened earlier would.
        let token = Self.firstMatch(#"name="csrf_token" value="([^"]+)""#, in: page.body)
            ?? otherCookies[PreSessionToken.cookieName].map(PreSessionToken.formToken)
        return try await post("/sign-in", [("email", email), ("password", password)], csrf: .some(token), headers: headers)
    }

    static func encode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    static func firstMatch(_ pattern: String, in text: String) -> String? {
        guard let regex = try? NSRegularExpression(pattern: pattern),
              let match = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)),
              let range = Range(match.range(at: 1), in: text) else { return nil }
        return String(text[range])
    }

    static func allMatches(_ pattern: String, in text: String) -> [String] {
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return [] }
        return regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap {
            Range($0.range(at: 1), in: text).map { String(text[$0]) }
        }
    }
}
