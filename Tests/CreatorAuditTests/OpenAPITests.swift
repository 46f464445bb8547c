// The OpenAPI document is the contract: it must list exactly the routes the router serves, be served as JSON at
// /v2/openapi.json, and be rendered into the HTML reference at /v2/docs.
import Foundation
import Testing
@testable import CreatorAudit

@Suite("OpenAPI document and reference page")
struct OpenAPITests {
    /// `/v2/accounts/{id}` and `/v2/accounts/:id` both become `/v2/accounts/{}`: parameter names are the document's
    /// business, the shape of the path is the contract.
    static func normalized(_ method: String, _ path: String) -> String {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true).map { segment in
            segment.hasPrefix("{") || segment.hasPrefix(":") ? "{}" : String(segment)
        }
        return method.uppercased() + " /" + segments.joined(separator: "/")
    }

    @Test("the document describes every /v2 route the router serves, and nothing else")
    func documentMatchesRouter() async throws {
        let document = try #require(OpenAPIDocument.bundled, "openapi.json is not installed with the package")
        try await TestServer.run(.sqlite) { server in
            let served = Set(server.services.routes.all.filter { $0.method != "HEAD" && $0.pattern.hasPrefix("/v2") }.map { Self.normalized($0.method, $0.pattern) })
            let documented = Set(document.operations.filter { $0.method != "HEAD" }.map { Self.normalized($0.method, $0.path) })
            let undocumented = served.subtracting(documented).sorted()
            let unserved = documented.subtracting(served).sorted()
            #expect(undocumented.isEmpty, "routes the document lacks: \(undocumented.joined(separator: ", "))")
            #expect(unserved.isEmpty, "documented operations the router lacks: \(unserved.joined(separator: ", "))")
        }
    }

    @Test("every operation outside health, meta, openapi.json, docs and leak reports requires the API key")
    func security() throws {
        let document = try #require(OpenAPIDocument.bundled)
        let open: Set<String> = [
            "GET /v2/health", "GET /v2/meta", "GET /v2/openapi.json", "GET /v2/docs",
            // Signed by GitHub instead (docs/secret-scanning.md).
            "POST /v2/secret-scanning/reports",
        ]
        let defaultSecurity = document.root["security"]?.arrayValue ?? []
        #expect(!defaultSecurity.isEmpty)
        for (path, item) in document.root["paths"]?.objectValue ?? [:] {
            for (method, operation) in item.objectValue where OpenAPIDocument.methods.contains(method) {
                let name = method.uppercased() + " " + path
                let security = operation["security"]?.arrayValue ?? defaultSecurity
                #expect(security.isEmpty == open.contains(name), "\(name)")
                #expect(operation["operationId"]?.stringValue != nil, "\(name) has no operationId")
            }
        }
    }

    @Test("GET /v2/openapi.json serves the committed document: JSON, OpenAPI 3.1, no key needed, conditional GET")
    func servedDocument() async throws {
        try await TestServer.run(.sqlite) { server in
            let response = try await server.request(.GET, "/v2/openapi.json")
            #expect(response.status == 200)
            #expect(response.header("Content-Type") == "application/json")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(response.body.utf8)) as? [String: Any])
            let version = try #require(json["openapi"] as? String)
            #expect(version.hasPrefix("3.1."))
            #expect((json["paths"] as? [String: Any])?["/v2/openapi.json"] != nil)
            #expect(Array(response.body.utf8) == OpenAPIDocument.bundled?.bytes)

            let etag = try #require(response.header("ETag"))
            let again = try await server.request(.GET, "/v2/openapi.json", headers: [("If-None-Match", etag)])
            #expect(again.status == 304)
            #expect(again.body.isEmpty)
        }
    }

    @Test("GET /v2/docs is an HTML page naming every path of the document, with a strict CSP and no script")
    func docsPage() async throws {
        let document = try #require(OpenAPIDocument.bundled)
        try await TestServer.run(.sqlite) { server in
            let response = try await server.request(.GET, "/v2/docs", headers: [("Accept", "text/html,application/xhtml+xml")])
            #expect(response.status == 200)
            #expect(response.header("Content-Type")?.hasPrefix("text/html") == true)
            let csp = try #require(response.header("Content-Security-Policy"))
            #expect(csp.contains("default-src 'none'"))
            #expect(!response.body.lowercased().contains("<script"))
            #expect(response.body.hasPrefix("<!doctype html>"))
            for operation in document.operations {
                #expect(response.body.contains(operation.path), "\(operation.path) missing from the page")
            }
            for tag in ["Accounts", "Videos", "Creators", "Search", "System"] {
                #expect(response.body.contains("<h2>\(tag)</h2>"), "\(tag)")
            }
            // HTML is only for the page: the JSON routes still refuse it, the page refuses JSON-only clients.
            #expect(try await server.request(.GET, "/v2/meta", headers: [("Accept", "text/html")]).status == 406)
            let jsonOnly = try await server.request(.GET, "/v2/docs", headers: [("Accept", "application/json")])
            #expect(jsonOnly.status == 406)
            #expect(jsonOnly.code == "NOT_ACCEPTABLE")
            #expect(try await server.request(.GET, "/v2/docs").status == 200)
        }
    }

    /// The schema `name` of `components.schemas`.
    static func schema(_ document: OpenAPIDocument, _ name: String) -> JSONValue? {
        document.root["components"]?["schemas"]?[name]
    }

    @Test("the document's patterns for usernames and video identifiers are the server's own grammar, string for string")
    func grammarPatterns() throws {
        let document = try #require(OpenAPIDocument.bundled)
        let username = Self.schema(document, "AccountCreate")?["properties"]?["username"]?["pattern"]?.stringValue
        #expect(username == AccountController.usernamePattern)
        let branches = Self.schema(document, "VideoCreate")?["oneOf"]?.arrayValue ?? []
        for platform in Platform.allCases {
            let branch = branches.first { $0["properties"]?["platform"]?["const"]?.stringValue == platform.rawValue }
            #expect(branch?["properties"]?["identifier"]?["pattern"]?.stringValue == VideoIdentifier.documentPatterns[platform],
                    "\(platform)")
        }
    }

    /// Strings near the grammar's edges: pieces of valid URLs, ids and shortcodes, glued with blanks, odd characters
    /// and NUL, so that both "matches" and "does not" come up often.
    static func identifierCandidates(count: Int) -> [String] {
        let pieces = ["https://", "http://", "HTTPS://", "www.", "m.", "instagram.com", "tiktok.com", "/", "//", "p/", "reel/",
                      "reels/", "tv/", "@", "user.name/", "video/", "AbCdE", "12345", "678901234", "_-", "?", "#", "a=b",
                      " ", "\t", "\n", "\r", "\u{0}", "\u{18}", "é", "x", ".", ":443", "%20", "7234567890123456789", "C3xK9aLJm2Q"]
        var seed = UInt64(0x5EED_C0DE)
        func next(_ bound: Int) -> Int {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Int((seed >> 33) % UInt64(bound))
        }
        var result = ["AbCdE", "https://www.instagram.com/p/AbCdE/", " instagram.com/user.name/reel/AbCdE12345/?a=b#c \n",
                      "https://www.tiktok.com/@user.name/video/7234567890123456789/", "tiktok.com/@/video/12345678",
                      "https://instagram.com/p/AbCdE?x y", "https://instagram.com/p/AbCdE/\u{0}", "12345678",
                      "https://www.tiktok.com/@u/video/00178115088#FE\u{18}\u{15}\r \t\n"]
        for _ in 0..<count {
            result.append((0..<(1 + next(9))).map { _ in pieces[next(pieces.count)] }.joined())
        }
        return result
    }

    @Test("on thousands of strings near the edges, the document's identifier and username patterns accept exactly what the server accepts")
    func grammarAgreement() throws {
        let candidates = Self.identifierCandidates(count: 4000)
        var matched = 0
        for platform in Platform.allCases {
            let pattern = try #require(VideoIdentifier.documentPatterns[platform])
            let regex = try NSRegularExpression(pattern: pattern)
            for candidate in candidates {
                let range = NSRange(candidate.startIndex..., in: candidate)
                let documented = regex.firstMatch(in: candidate, range: range) != nil
                // What POST /v2/videos does with the field: JSONBody's control-character rule, then the parser.
                let served = !ControlCharacters.hasNUL(candidate)
                    && !ControlCharacters.forbidden(in: JSONBody.trimmingBlanks(candidate))
                    && VideoIdentifier.parse(candidate, platform: platform) != nil
                #expect(documented == served, "\(platform) \(candidate.debugDescription)")
                if documented { matched += 1 }
            }
        }
        #expect(matched > 100, "the candidates should exercise the accepting side too")
        let usernameRegex = try NSRegularExpression(pattern: AccountController.usernamePattern)
        for candidate in candidates + ["@Nat.Geo_1", " natgeo\t", "\u{3000}natgeo", "@", "a", String(repeating: "a", count: 101)] {
            let documented = usernameRegex.firstMatch(in: candidate, range: NSRange(candidate.startIndex..., in: candidate)) != nil
            let served = Username.normalize(JSONBody.trimmingBlanks(candidate), trimming: []) != nil
            #expect(documented == served, "username \(candidate.debugDescription)")
        }
    }

    @Test("the reference page escapes what it renders")
    func escaping() throws {
        let document = try OpenAPIDocument(bytes: Array("""
            {"openapi":"3.1.0","info":{"title":"<T&>","version":"1","description":"a `<b>` and **bold**"},
             "paths":{"/x":{"get":{"operationId":"x","tags":["A"],"summary":"<script>alert(1)</script>",
             "responses":{"200":{"description":"ok"}}}}}}
            """.utf8))
        let html = APIReferencePage.render(document)
        #expect(!html.contains("<script>"))
        #expect(html.contains("&lt;script&gt;"))
        #expect(html.contains("&lt;T&amp;&gt;"))
        #expect(html.contains("<code>&lt;b&gt;</code>"))
        #expect(html.contains("<strong>bold</strong>"))
    }
}
