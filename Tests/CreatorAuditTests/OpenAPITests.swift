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
