// The TikTok Research API, as the double answers it:
// - POST /v2/oauth/token/ (form: client_key, client_secret, grant_type=client_credentials) → a `clt.` token
//   that expires after `expires_in` seconds (or when the test revokes it);
// - POST /v2/research/user/info/?fields=… with {"username"};
// - POST /v2/research/video/query/?fields=… with `username IN` / `video_id EQ|IN` conditions, YYYYMMDD dates at
//   most 30 days apart, max_count ≤ 100, cursor + search_id paging and has_more.
// Errors as `{"error": {"code", "message", "log_id"}}`: access_token_invalid and scope_not_authorized (401),
// invalid_params (400), rate_limit_exceeded (429), internal_error (500). Ids are 64-bit JSON numbers.
import Foundation
import Hummingbird
import NIOCore

struct TikTokDouble: Sendable {
    let world: DoubleWorld

    // MARK: Token

    func token(_ request: Request) async -> Response {
        let body = (try? await request.body.collect(upTo: 1 << 16)).map { String(buffer: $0) } ?? ""
        // The form holds the client secret: the log keeps only which fields were sent.
        let form = Self.parseForm(body)
        world.record(
            ReceivedRequest(
                platform: .tiktok, method: "POST", uri: request.uri.description,
                authorization: request.headers[.authorization],
                body: form.keys.sorted().joined(separator: "&"), time: world.now))
        if let fault = world.takeFault(.tiktok, usernames: [], site: .tiktokToken) {
            if case .slow(let milliseconds) = fault {
                try? await Task.sleep(for: .milliseconds(milliseconds))
            } else {
                return respond(to: fault)
            }
        }
        guard request.headers[.contentType]?.hasPrefix("application/x-www-form-urlencoded") == true,
            form["grant_type"] == "client_credentials"
        else {
            return DoubleResponse.json(
                .badRequest,
                .object([
                    ("error", .string("invalid_request")),
                    ("error_description", .string("grant_type must be client_credentials")),
                    ("log_id", .string(Self.logID())),
                ]))
        }
        guard form["client_key"] == world.credentials.tiktokClientKey,
            form["client_secret"] == world.credentials.tiktokClientSecret
        else {
            return DoubleResponse.json(
                .unauthorized,
                .object([
                    ("error", .string("invalid_client")),
                    ("error_description", .string("Client key or secret is incorrect.")),
                    ("log_id", .string(Self.logID())),
                ]))
        }
        return DoubleResponse.json(
            .ok,
            .object([
                ("access_token", .string(world.issueTikTokToken())),
                ("expires_in", .int(Int64(world.tiktokTokenLifetime))),
                ("token_type", .string("Bearer")),
            ]))
    }

    // MARK: Research endpoints

    func userInfo(_ request: Request) async -> Response {
        let (body, denied) = await admit(request)
        if let denied { return denied }
        guard let object = Self.object(body), let username = object["username"] as? String, !username.isEmpty else {
            return Self.error(.badRequest, "invalid_params", "username is required")
        }
        if let early = await fault(for: [username], site: .tiktokUserInfo) { return early }
        guard let user = world.tiktokUser(username) else {
            return Self.error(.badRequest, "invalid_params", "The user \(username) does not exist or is not public.")
        }
        if user.isPrivate {
            return Self.error(.badRequest, "invalid_params", "The user \(username) is private.")
        }
        let fields = Self.fields(request)
        var pairs: [(String, JSONValue)] = []
        func add(_ name: String, _ value: JSONValue?) {
            if let value, fields.contains(name) { pairs.append((name, value)) }
        }
        add("display_name", user.displayName.map(JSONValue.string))
        add("bio_description", user.bioDescription.map(JSONValue.string))
        add("avatar_url", user.avatarURL.map(JSONValue.string))
        add("is_verified", .bool(user.isVerified))
        add("follower_count", .int(user.followerCount))
        add("following_count", .int(user.followingCount))
        add("likes_count", .int(user.likesCount))
        add("video_count", .int(user.videoCount ?? Int64(user.videos.count)))
        return Self.ok(.object(pairs))
    }

    func videoQuery(_ request: Request) async -> Response {
        let (body, denied) = await admit(request)
        if let denied { return denied }
        guard let object = Self.object(body), let query = object["query"] as? [String: Any],
            let conditions = query["and"] as? [[String: Any]], !conditions.isEmpty
        else { return Self.error(.badRequest, "invalid_params", "query.and is required") }
        var usernames: [String]?
        var videoIDs: [UInt64]?
        for condition in conditions {
            guard let operation = condition["operation"] as? String, ["IN", "EQ"].contains(operation),
                let field = condition["field_name"] as? String, let values = condition["field_values"] as? [String],
                !values.isEmpty, operation == "IN" || values.count == 1
            else { return Self.error(.badRequest, "invalid_params", "Invalid query condition.") }
            switch field {
            case "username": usernames = values.map { $0.lowercased() }
            case "video_id":
                let ids = values.compactMap(UInt64.init)
                guard ids.count == values.count else {
                    return Self.error(.badRequest, "invalid_params", "Invalid video_id.")
                }
                videoIDs = ids
            default: return Self.error(.badRequest, "invalid_params", "Field \(field) is not supported by the double.")
            }
        }
        guard let startText = object["start_date"] as? String, let endText = object["end_date"] as? String,
            let start = Self.day(startText), let end = Self.day(endText), end >= start, end - start <= 30
        else {
            return Self.error(
                .badRequest, "invalid_params",
                "start_date and end_date are required, as YYYYMMDD, at most 30 days apart.")
        }
        let maxCount = (object["max_count"] as? Int) ?? 20
        guard (1...100).contains(maxCount) else {
            return Self.error(.badRequest, "invalid_params", "max_count must be between 1 and 100.")
        }
        let cursor = (object["cursor"] as? Int) ?? 0
        var searchID = object["search_id"] as? String
        if cursor > 0 {
            guard let given = searchID, world.knowsSearchID(given) else {
                return Self.error(.badRequest, "invalid_params", "search_id is required with a cursor.")
            }
        }
        if let early = await fault(for: usernames ?? [], site: .tiktokVideoQuery) { return early }
        let users = usernames.map { world.tiktokUsers($0) } ?? world.allScriptedTikTokUsers()
        let from = Int64(start) * 86_400
        let through = Int64(end + 1) * 86_400
        var matches: [(user: TikTokUserDouble, video: TikTokVideoDouble)] = []
        for user in users where !user.isPrivate {
            for video in user.videos where video.createTime >= from && video.createTime < through {
                if let videoIDs, !videoIDs.contains(video.id) { continue }
                matches.append((user, video))
            }
        }
        matches.sort { $0.video.createTime > $1.video.createTime }
        guard cursor <= matches.count else { return Self.error(.badRequest, "invalid_params", "cursor out of range.") }
        let page = matches[cursor..<min(matches.count, cursor + maxCount)]
        let fields = Self.fields(request)
        let videos = page.map { entry -> JSONValue in
            var pairs: [(String, JSONValue)] = []
            func add(_ name: String, _ value: JSONValue?) {
                if let value, fields.contains(name) { pairs.append((name, value)) }
            }
            add("id", .uint(entry.video.id))
            add("username", .string(entry.user.username))
            add("create_time", .int(entry.video.createTime))
            add("video_description", entry.video.videoDescription.map(JSONValue.string))
            add("view_count", .int(entry.video.viewCount))
            add("like_count", .int(entry.video.likeCount))
            add("comment_count", .int(entry.video.commentCount))
            add("share_count", .int(entry.video.shareCount))
            add("video_duration", .int(Int64(entry.video.videoDuration)))
            return .object(pairs)
        }
        if searchID == nil { searchID = world.newSearchID() }
        let next = cursor + page.count
        return Self.ok(
            .object([
                ("videos", .array(videos)), ("cursor", .int(Int64(next))), ("has_more", .bool(next < matches.count)),
                ("search_id", .string(searchID ?? "")),
            ]))
    }

    // MARK: Shared

    /// Records the request and checks the token, the scope and the double's own daily limit.
    private func admit(_ request: Request) async -> (String, Response?) {
        let body = (try? await request.body.collect(upTo: 1 << 20)).map { String(buffer: $0) } ?? ""
        let authorization = request.headers[.authorization]
        world.record(
            ReceivedRequest(
                platform: .tiktok, method: "POST", uri: request.uri.description,
                authorization: authorization, body: body, time: world.now))
        let parts = authorization?.split(separator: " ", maxSplits: 1) ?? []
        guard parts.count == 2, parts[0].lowercased() == "bearer", world.tiktokTokenValid(String(parts[1])) else {
            return (
                body,
                Self.error(
                    .unauthorized, "access_token_invalid",
                    "The access token is invalid or not found in the request.")
            )
        }
        guard world.tiktokScopeAuthorized else {
            return (
                body,
                Self.error(
                    .unauthorized, "scope_not_authorized",
                    "The user did not authorize the scope required for completing this request.")
            )
        }
        guard world.countTikTokRequest() else {
            return (body, Self.error(.tooManyRequests, "rate_limit_exceeded", "The API rate limit was exceeded."))
        }
        return (body, nil)
    }

    /// A scripted fault's answer, or nil (after waiting out a `slow` fault).
    private func fault(for usernames: [String], site: FaultSite) async -> Response? {
        guard let fault = world.takeFault(.tiktok, usernames: usernames, site: site) else { return nil }
        if case .slow(let milliseconds) = fault {
            try? await Task.sleep(for: .milliseconds(milliseconds))
            return nil
        }
        return respond(to: fault)
    }

    private func respond(to fault: Fault) -> Response {
        switch fault {
        case .rateLimited(let retryAfter):
            return DoubleResponse.json(
                .tooManyRequests, Self.errorBody("rate_limit_exceeded", "The API rate limit was exceeded."),
                headers: retryAfter.map { [("Retry-After", String($0))] } ?? [])
        case .tiktokError(let code, let status):
            return Self.error(HTTPResponse.Status(code: status), code, "Scripted by the test.")
        case .instagramError(_, _, let status), .serverError(let status):
            return Self.error(
                HTTPResponse.Status(code: status), "internal_error", "Something went wrong. Please retry.")
        case .slow: return Self.ok(.object([]))
        case .truncatedJSON:
            let full = JSONValue.object([
                (
                    "data",
                    .object([
                        ("videos", .array([.object([("id", .uint(7_300_000_000_000_000_001))])])),
                        ("has_more", .bool(false)),
                    ])
                ),
                (
                    "error",
                    .object([("code", .string("ok")), ("message", .string("")), ("log_id", .string(Self.logID()))])
                ),
            ]).serialized
            return DoubleResponse.raw(.ok, String(full.prefix(full.count / 2)))
        case .malformedJSON:
            return DoubleResponse.raw(.ok, "upstream connect error or disconnect/reset before headers")
        }
    }

    static func ok(_ data: JSONValue) -> Response {
        DoubleResponse.json(
            .ok,
            .object([
                ("data", data),
                ("error", .object([("code", .string("ok")), ("message", .string("")), ("log_id", .string(logID()))])),
            ]))
    }

    static func error(_ status: HTTPResponse.Status, _ code: String, _ message: String) -> Response {
        DoubleResponse.json(status, errorBody(code, message))
    }

    static func errorBody(_ code: String, _ message: String) -> JSONValue {
        .object([
            ("data", .object([])),
            ("error", .object([("code", .string(code)), ("message", .string(message)), ("log_id", .string(logID()))])),
        ])
    }

    static func logID() -> String { String(UInt64.random(in: 0...UInt64.max), radix: 16).uppercased() }

    static func object(_ body: String) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any]
    }

    static func fields(_ request: Request) -> Set<String> {
        Set((request.uri.queryParameters.get("fields") ?? "").split(separator: ",").map { String($0) })
    }

    /// `YYYYMMDD` → UTC day number.
    static func day(_ text: String) -> Int? {
        guard text.count == 8, let year = Int(text.prefix(4)), let month = Int(text.dropFirst(4).prefix(2)),
            let day = Int(text.suffix(2)), (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month - 1)
        parts.tm_mday = Int32(day)
        parts.tm_hour = 12
        return Int(timegm(&parts) / 86_400)
    }

    static func parseForm(_ body: String) -> [String: String] {
        var form: [String: String] = [:]
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard let name = parts.first?.removingPercentEncoding else { continue }
            form[name] =
                parts.count > 1 ? parts[1].replacingOccurrences(of: "+", with: " ").removingPercentEncoding : ""
        }
        return form
    }
}
