// The Instagram Graph API's business discovery, as the double answers it:
//   GET /{version}/{ig-user-id}?fields=business_discovery.username(NAME){…,media.after(C).limit(N){…}}
// with the Authorization header (or an access_token parameter, which the real API also takes and which
// CreatorAudit must never use), string ids, cursor paging newest first, usage headers, and the Graph API's
// error bodies: 190 for a bad or expired token, 110/2207013 for an account business discovery cannot see,
// throttling codes, 5xx.
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

struct InstagramDouble: Sendable {
    let world: DoubleWorld

    static let mediaPageMax = 100

    func answer(_ request: Request, version: String, userID: String) async -> Response {
        let uri = request.uri.description
        let authorization = request.headers[.authorization]
        world.record(
            ReceivedRequest(
                platform: .instagram, method: "GET", uri: uri, authorization: authorization, body: "",
                time: world.now))
        let parameters = request.uri.queryParameters
        let token: String? =
            authorization.flatMap { header in
                let parts = header.split(separator: " ", maxSplits: 1)
                guard parts.count == 2, ["bearer", "oauth"].contains(parts[0].lowercased()) else { return nil }
                return String(parts[1])
            } ?? parameters.get("access_token")
        guard let token, !token.isEmpty else {
            return error(
                status: .badRequest, code: 2500, subcode: nil, type: "OAuthException",
                message: "An active access token must be used to query information about the current user.")
        }
        guard token == world.credentials.instagramAccessToken, world.instagramTokenValid else {
            return error(
                status: .badRequest, code: 190, subcode: 463, type: "OAuthException",
                message: "Error validating access token: Session has expired.")
        }
        guard version.hasPrefix("v"), userID == world.credentials.instagramUserID else {
            return error(
                status: .badRequest, code: 100, subcode: 33, type: "GraphMethodException",
                message: "Unsupported get request. Object with ID '\(userID)' does not exist.")
        }
        guard let fieldsText = parameters.get("fields"), let fields = GraphField.parse(fieldsText),
            let discovery = fields.first(where: { $0.name == "business_discovery" }),
            let username = discovery.modifiers["username"]
        else {
            return error(
                status: .badRequest, code: 100, subcode: nil, type: "OAuthException",
                message: "(#100) The parameter fields is not valid for business discovery.")
        }
        var slow = 0
        if let fault = world.takeFault(.instagram, usernames: [username], site: .instagram) {
            switch fault {
            case .slow(let milliseconds): slow = milliseconds
            default: return respond(to: fault)
            }
        }
        if slow > 0 { try? await Task.sleep(for: .milliseconds(slow)) }
        guard let account = world.instagramAccount(username), account.isBusiness else {
            return error(
                status: .badRequest, code: 110, subcode: 2_207_013, type: "OAuthException",
                message:
                    "Invalid user id: the user with username \(username) cannot be found or is not a business account.")
        }
        var pairs: [(String, JSONValue)] = []
        for field in discovery.children ?? [] {
            switch field.name {
            case "id": pairs.append(("id", .string(account.id)))
            case "username": pairs.append(("username", .string(account.username)))
            case "name": if let value = account.name { pairs.append(("name", .string(value))) }
            case "biography": if let value = account.biography { pairs.append(("biography", .string(value))) }
            case "profile_picture_url":
                if let value = account.profilePictureURL { pairs.append(("profile_picture_url", .string(value))) }
            case "website": if let value = account.website { pairs.append(("website", .string(value))) }
            case "followers_count": pairs.append(("followers_count", .int(account.followersCount)))
            case "follows_count": pairs.append(("follows_count", .int(account.followsCount)))
            case "media_count": pairs.append(("media_count", .int(account.mediaCount ?? Int64(account.media.count))))
            case "media":
                guard let page = mediaPage(account, field: field, version: version, fieldsText: fieldsText) else {
                    return error(
                        status: .badRequest, code: 100, subcode: nil, type: "OAuthException",
                        message: "(#100) Invalid cursor or limit for media.")
                }
                pairs.append(("media", page))
            default:
                return error(
                    status: .badRequest, code: 100, subcode: nil, type: "OAuthException",
                    message: "(#100) Tried accessing nonexisting field (\(field.name)) on node type (User)")
            }
        }
        if !pairs.contains(where: { $0.0 == "id" }) { pairs.append(("id", .string(account.id))) }
        let body = JSONValue.object([
            ("business_discovery", .object(pairs)), ("id", .string(world.credentials.instagramUserID)),
        ])
        return DoubleResponse.json(.ok, body, headers: usageHeaders())
    }

    /// `{"data": [...], "paging": {"cursors": {"before", "after"}, "next"}}`, newest first from the cursor.
    private func mediaPage(
        _ account: InstagramAccountDouble, field: GraphField, version: String, fieldsText: String
    ) -> JSONValue? {
        var start = 0
        if let cursor = field.modifiers["after"] {
            guard let offset = Self.offset(fromCursor: cursor) else { return nil }
            start = offset
        }
        let limit = field.modifiers["limit"].map { Int($0) } ?? 25
        guard let limit, (1...Self.mediaPageMax).contains(limit), start <= account.media.count else { return nil }
        let end = min(account.media.count, start + limit)
        let items = account.media[start..<end].map { media -> JSONValue in
            var pairs: [(String, JSONValue)] = []
            for child in field.children ?? [GraphField(name: "id")] {
                switch child.name {
                case "id": pairs.append(("id", .string(media.id)))
                case "caption": if let caption = media.caption { pairs.append(("caption", .string(caption))) }
                case "comments_count": pairs.append(("comments_count", .int(media.commentsCount)))
                case "like_count": if !account.hidesLikeCounts { pairs.append(("like_count", .int(media.likeCount))) }
                case "media_type": pairs.append(("media_type", .string(media.mediaType)))
                case "media_product_type": pairs.append(("media_product_type", .string(media.mediaProductType)))
                case "permalink": pairs.append(("permalink", .string(media.permalink)))
                case "timestamp": pairs.append(("timestamp", .string(Self.graphTime(media.timestamp))))
                case "thumbnail_url": if let url = media.thumbnailURL { pairs.append(("thumbnail_url", .string(url))) }
                default: break
                }
            }
            if !pairs.contains(where: { $0.0 == "id" }) { pairs.append(("id", .string(media.id))) }
            return .object(pairs)
        }
        var paging: [(String, JSONValue)] = [
            (
                "cursors",
                .object([
                    ("before", .string(Self.cursor(forOffset: start))), ("after", .string(Self.cursor(forOffset: end))),
                ])
            )
        ]
        if end < account.media.count {
            // The real `next` is a full URL with the query; its presence is what matters.
            paging.append(
                (
                    "next",
                    .string(
                        "https://graph.facebook.com/\(version)/\(world.credentials.instagramUserID)"
                            + "?after=\(Self.cursor(forOffset: end))"
                    )
                ))
        }
        return .object([("data", .array(items)), ("paging", .object(paging))])
    }

    /// Opaque cursors with characters that need encoding in a URL (`=`, `+`, `/`), like the real ones.
    static func cursor(forOffset offset: Int) -> String {
        Data("QVFIUm\(offset)+/cursor".utf8).base64EncodedString()
    }

    static func offset(fromCursor cursor: String) -> Int? {
        guard let data = Data(base64Encoded: cursor), let text = String(data: data, encoding: .utf8),
            text.hasPrefix("QVFIUm"), text.hasSuffix("+/cursor")
        else { return nil }
        return Int(text.dropFirst(6).dropLast(8))
    }

    /// `2024-05-01T12:34:56+0000` (by hand: a DateFormatter per post was most of a page's CPU).
    static func graphTime(_ seconds: Double) -> String {
        var time = time_t(seconds.rounded(.down))
        var parts = tm()
        gmtime_r(&time, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T"
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))+0000"
    }

    private func usageHeaders() -> [(String, String)] {
        let usage = world.instagramUsage
        var headers: [(String, String)] = []
        if let app = usage.appCallCount {
            headers.append(
                ("X-App-Usage", #"{"call_count":\#(app),"total_cputime":\#(app / 2),"total_time":\#(app / 2)}"#))
        }
        if let business = usage.businessCallCount {
            let id = world.credentials.instagramUserID
            headers.append(
                (
                    "X-Business-Use-Case-Usage",
                    #"{"\#(id)":[{"type":"instagram","call_count":\#(business),"total_cputime":\#(business / 2),"#
                        + #""total_time":\#(business / 2),"#
                        + #""estimated_time_to_regain_access":\#(usage.regainAccessMinutes)}]}"#
                ))
        }
        return headers
    }

    private func respond(to fault: Fault) -> Response {
        switch fault {
        case .rateLimited(let retryAfter):
            var headers = usageHeaders()
            if let retryAfter { headers.append(("Retry-After", String(retryAfter))) }
            return DoubleResponse.json(
                .tooManyRequests,
                Self.errorBody(
                    code: 4, subcode: nil, type: "OAuthException", message: "(#4) Application request limit reached"),
                headers: headers)
        case .instagramError(let code, let subcode, let status):
            return DoubleResponse.json(
                HTTPResponse.Status(code: status),
                Self.errorBody(
                    code: code, subcode: subcode, type: "OAuthException", message: "(#\(code)) Scripted by the test"),
                headers: usageHeaders())
        case .tiktokError(_, let status), .serverError(let status):
            return DoubleResponse.json(
                HTTPResponse.Status(code: status),
                Self.errorBody(
                    code: 2, subcode: nil, type: "OAuthException",
                    message: "An unexpected error has occurred. Please retry your request later."))
        case .slow: return DoubleResponse.json(.ok, .object([]))
        case .truncatedJSON:
            let full = JSONValue.object([
                (
                    "business_discovery",
                    .object([
                        ("followers_count", .int(1234)),
                        (
                            "media",
                            .object([
                                (
                                    "data",
                                    .array([.object([("id", .string("17900000000000001")), ("like_count", .int(10))])])
                                )
                            ])
                        ),
                    ])
                )
            ]).serialized
            return DoubleResponse.raw(.ok, String(full.prefix(full.count / 2)))
        case .malformedJSON:
            return DoubleResponse.raw(.ok, "<html><body>Sorry, something went wrong.</body></html>")
        }
    }

    private func error(status: HTTPResponse.Status, code: Int, subcode: Int?, type: String, message: String) -> Response
    {
        DoubleResponse.json(
            status, Self.errorBody(code: code, subcode: subcode, type: type, message: message), headers: usageHeaders())
    }

    static func errorBody(code: Int, subcode: Int?, type: String, message: String) -> JSONValue {
        var pairs: [(String, JSONValue)] = [
            ("message", .string(message)), ("type", .string(type)), ("code", .int(Int64(code))),
        ]
        if let subcode { pairs.append(("error_subcode", .int(Int64(subcode)))) }
        pairs.append(("fbtrace_id", .string("A" + String(UInt64.random(in: 0...UInt64.max), radix: 36))))
        return .object([("error", .object(pairs))])
    }
}

enum DoubleResponse {
    static func json(_ status: HTTPResponse.Status, _ value: JSONValue, headers: [(String, String)] = []) -> Response {
        raw(status, value.serialized, headers: headers)
    }

    static func raw(_ status: HTTPResponse.Status, _ body: String, headers: [(String, String)] = []) -> Response {
        var fields = HTTPFields()
        fields[.contentType] = "application/json; charset=UTF-8"
        for (name, value) in headers {
            if let name = HTTPField.Name(name) { fields.append(HTTPField(name: name, value: value)) }
        }
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }
}
