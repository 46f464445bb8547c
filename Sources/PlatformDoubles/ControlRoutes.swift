// Scripting the doubles from another process (the benchmark, an operator's shell):
//   POST   /_doubles/v1/faults  {"platform": "instagram"|"tiktok", "fault": KIND, "username": TARGET,
//                                "retry_after": s, "status": n, "milliseconds": n, "times": n}
//          KIND: rate_limited, server_error, slow, truncated_json, malformed_json — or token_expired,
//          token_restored (Instagram), tokens_revoked (TikTok). TARGET: absent = every request, a username,
//          "#token" = the TikTok token endpoint, "#video_query" = every TikTok video query.
//   DELETE /_doubles/v1/faults  clears every fault
//   GET    /_doubles/v1/stats   {"instagram_requests": n, "tiktok_requests": n, "tiktok_token_requests": n}
// The doubles listen on loopback by default: there is nothing to protect, and nothing else should reach them.
import Foundation
import Hummingbird

struct ControlRoutes: Sendable {
    let world: DoubleWorld

    func add(to router: Router<BasicRequestContext>) {
        let world = world
        router.post("/_doubles/v1/faults") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 1 << 16)
            guard
                let object = (try? JSONSerialization.jsonObject(with: Data(String(buffer: body).utf8)))
                    as? [String: Any],
                let platform = (object["platform"] as? String).flatMap(DoublePlatform.init(rawValue:)),
                let kind = object["fault"] as? String
            else { return DoubleResponse.raw(.badRequest, #"{"error":"platform and fault are required"}"#) }
            let target: FaultTarget
            switch object["username"] as? String {
            case nil: target = .everything
            case "#token": target = .tokenEndpoint
            case "#video_query": target = .videoQuery
            case let name?: target = .username(name)
            }
            let times = object["times"] as? Int
            let fault: Fault
            switch kind {
            case "rate_limited": fault = .rateLimited(retryAfter: object["retry_after"] as? Int)
            case "server_error": fault = .serverError(status: object["status"] as? Int ?? 500)
            case "slow": fault = .slow(milliseconds: object["milliseconds"] as? Int ?? 30_000)
            case "truncated_json": fault = .truncatedJSON
            case "malformed_json": fault = .malformedJSON
            case "token_expired":
                world.expireInstagramToken()
                return DoubleResponse.raw(.ok, #"{"ok":true}"#)
            case "token_restored":
                world.restoreInstagramToken()
                return DoubleResponse.raw(.ok, #"{"ok":true}"#)
            case "tokens_revoked":
                world.revokeTikTokTokens()
                return DoubleResponse.raw(.ok, #"{"ok":true}"#)
            default: return DoubleResponse.raw(.badRequest, #"{"error":"unknown fault"}"#)
            }
            world.inject(fault, on: platform, for: target, times: times)
            return DoubleResponse.raw(.ok, #"{"ok":true}"#)
        }
        router.delete("/_doubles/v1/faults") { _, _ -> Response in
            world.clearFaults()
            return DoubleResponse.raw(.ok, #"{"ok":true}"#)
        }
        router.get("/_doubles/v1/stats") { _, _ -> Response in
            DoubleResponse.json(
                .ok,
                .object([
                    ("instagram_requests", .int(Int64(world.requestCount(.instagram)))),
                    ("tiktok_requests", .int(Int64(world.requestCount(.tiktok)))),
                    ("tiktok_token_requests", .int(Int64(world.tiktokTokenRequests))),
                ]))
        }
    }
}
