// List conventions (README, "API conventions"): keyset pages walked end to end, the total order (ties by id, nulls last both
// ways), filters echo, include_total, Link, limit bounds, order_by / order_direction / legacy sort, and cursors
// that are bound to their filters and sort.
import Foundation
import Testing
@testable import CreatorAudit

@Suite("Pagination and list conventions")
struct PaginationTests {
    /// 500 accounts with many ties: 250 usernames each on both platforms, 7 distinct added_at values, a fifth
    /// never refreshed (last_scrape_time null), 11 follower counts.
    static func seed(_ server: TestServer, _ tenant: Tenant) async throws -> [Account] {
        let base = Timestamp.now.seconds - 100_000
        return try await Track.accounts(server, tenant, count: 500) { index, account in
            account.platform = index < 250 ? .instagram : .tiktok
            account.username = "u" + String(index % 250).leftPadded(3) + ((index % 250) % 3 == 0 ? "_x" : "")
            account.addedAt = Timestamp(seconds: base + Int64(index % 7))
            account.lastScrapeTime = index % 5 == 0 ? nil : Timestamp(seconds: base + Int64(index % 13) * 60)
            account.followerCount = Int64(index % 11)
        }
    }

    /// The order README, "API conventions" promises: by the value, then by id, in one direction; nulls last either way.
    static func expected(_ accounts: [Account], by field: String, ascending: Bool) -> [String] {
        enum Value: Comparable { case number(Int64), text(String) }
        func value(_ account: Account) -> Value? {
            switch field {
            case "added_at": return .number(account.addedAt.seconds)
            case "username": return .text(account.username)
            case "last_scrape_time": return account.lastScrapeTime.map { .number($0.seconds) }
            case "follower_count": return .number(account.followerCount)
            default: fatalError("no expectation for \(field)")
            }
        }
        func precedes(_ a: Account, _ b: Account) -> Bool {
            let (va, vb) = (value(a), value(b))
            if va != vb {
                guard let va else { return false }  // nulls last in both directions
                guard let vb else { return true }
                return ascending ? va < vb : va > vb
            }
            let (ia, ib) = (Array(a.id.description.utf8), Array(b.id.description.utf8))
            return ascending ? ia.lexicographicallyPrecedes(ib) : ib.lexicographicallyPrecedes(ia)
        }
        return accounts.sorted(by: precedes).map(\.id.description)
    }

    /// Follows `next_cursor` from `path` to the end; returns the ids in order and the number of pages.
    static func walk(
        _ server: TestServer, _ key: String, _ path: String, between: (Int) async throws -> Void = { _ in }
    ) async throws -> (ids: [String], pages: Int) {
        var ids: [String] = []
        var cursor: String?
        var pages = 0
        repeat {
            let separator = path.contains("?") ? "&" : "?"
            let response = try await server.request(.GET, path + (cursor.map { "\(separator)cursor=\($0)" } ?? ""), key: key)
            try #require(response.status == 200, "\(response.body)")
            pages += 1
            ids += response.items.compactMap { $0["id"] as? String }
            cursor = response.nextCursor
            #expect((response.pagination["has_next"] as? Bool) == (cursor != nil))
            try #require(pages <= 100, "the walk does not end")
            try await between(pages)
        } while cursor != nil
        return (ids, pages)
    }

    @Test("500 accounts walked end to end with limit 37 in both directions of several orders: no duplicate, no gap, exactly the promised order", arguments: TestEngines.all)
    func walkEndToEnd(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let tenant = try await Tenant.make(server)
            let accounts = try await Self.seed(server, tenant)
            for field in ["added_at", "username", "last_scrape_time", "follower_count"] {
                for direction in ["asc", "desc"] {
                    let (ids, pages) = try await Self.walk(server, tenant.readKey, "/v2/accounts?limit=37&order_by=\(field)&order_direction=\(direction)")
                    #expect(pages == 14, "\(field) \(direction)")
                    #expect(Set(ids).count == ids.count, "no duplicates: \(field) \(direction)")
                    #expect(ids == Self.expected(accounts, by: field, ascending: direction == "asc"), "\(field) \(direction)")
                }
            }
            // The legacy default (-added_at) and a filtered walk.
            let (byDefault, _) = try await Self.walk(server, tenant.key, "/v2/accounts?limit=37")
            #expect(byDefault == Self.expected(accounts, by: "added_at", ascending: false))
            let (tiktok, _) = try await Self.walk(server, tenant.key, "/v2/accounts?limit=37&platform=tiktok&sort=username")
            #expect(tiktok == Self.expected(accounts.filter { $0.platform == .tiktok }, by: "username", ascending: true))
            // A page exactly as long as what is left ends the list: no empty trailing page.
            let (exact, exactPages) = try await Self.walk(server, tenant.key, "/v2/accounts?limit=100&order_by=username")
            #expect(exact.count == 500 && exactPages == 5)
        }
    }

    @Test("rows inserted between pages never make a row that existed at the start be skipped or repeated",
          arguments: TestEngines.all)
    func walkWhileInserting(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let tenant = try await Tenant.make(server)
            let accounts = try await Self.seed(server, tenant)
            let base = Timestamp.now.seconds - 100_000
            for (field, direction) in [("username", "asc"), ("last_scrape_time", "desc"), ("added_at", "desc"), ("follower_count", "asc")] {
                let inserted = Counter()
                let (ids, _) = try await Self.walk(server, tenant.key, "/v2/accounts?limit=37&order_by=\(field)&order_direction=\(direction)") { page in
                    // Each page, a handful of rows land all over the order (before, inside and after the cursor).
                    try await Track.accounts(server, tenant, count: 6) { index, account in
                        let n = inserted.next()
                        account.username = ["a", "u1", "u2", "u125", "z", "u0"][index] + "new\(field.prefix(3))\(n)"
                        account.platform = index % 2 == 0 ? .instagram : .tiktok
                        account.addedAt = Timestamp(seconds: base + Int64(index))
                        account.lastScrapeTime = index == 0 ? nil : Timestamp(seconds: base + Int64(index * 2) * 60)
                        account.followerCount = Int64(index * 2)
                    }
                    _ = page
                }
                #expect(Set(ids).count == ids.count, "no row twice: \(field) \(direction)")
                let original = Self.expected(accounts, by: field, ascending: direction == "asc")
                let originalSet = Set(original)
                #expect(ids.filter { originalSet.contains($0) } == original, "every original row once, in order: \(field) \(direction)")
            }
        }
    }

    @Test("account videos walk by a nullable counter both ways with nulls last", arguments: TestEngines.all)
    func videoWalk(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let tenant = try await Tenant.make(server)
            let account = try #require(try await Track.account(server, tenant, username: "walker")["id"] as? String)
            var videos: [(id: String, views: Int64?)] = []
            for index in 0..<45 {
                let video = try await Track.accountVideo(server, tenant, accountID: account, externalID: "Walk\(index)xyz")
                let views: Int64? = index % 4 == 0 ? nil : Int64(index % 6) * 100
                if let views {
                    try await server.database.write(scope: .test) { db in
                        try await db.raw("UPDATE videos SET view_count = \(bind: views) WHERE id = \(bind: video.id.description)").run()
                    }
                }
                videos.append((video.id.description, views))
            }
            for ascending in [true, false] {
                let expected = videos.sorted { a, b in
                    if a.views != b.views {
                        guard let va = a.views else { return false }
                        guard let vb = b.views else { return true }
                        return ascending ? va < vb : va > vb
                    }
                    return ascending ? a.id < b.id : a.id > b.id
                }.map(\.id)
                let (ids, _) = try await Self.walk(server, tenant.key,
                                                   "/v2/account-videos?limit=7&order_by=view_count&order_direction=\(ascending ? "asc" : "desc")")
                #expect(ids == expected, "ascending: \(ascending)")
            }
        }
    }

    @Test("filters echo the normalised filters and the effective order (never limit, cursor, include_total); include_total counts the filtered list; Link has first and, while there is one, next", arguments: TestEngines.all)
    func envelope(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let tenant = try await Tenant.make(server)
            let creator = try #require(try await Track.creator(server, tenant, name: "Echo")["id"] as? String)
            try await Track.accounts(server, tenant, count: 5) { index, account in
                account.platform = index < 3 ? .tiktok : .instagram
                account.username = "echo\(index)"
                account.category = "music"
                account.creatorID = index == 0 ? nil : CreatorID(creator)
            }
            let path = "/v2/accounts?platform=tiktok&q=%20ECHO%20&is_active=true&creator_id=\(creator.uppercased())&category=music&limit=1&include_total=true&unknown=1"
            let first = try await server.request(.GET, path, key: tenant.key)
            #expect(first.status == 200)
            #expect(Set(first.json.keys) == ["data", "pagination", "filters"])
            #expect(first.items.count == 1)
            let filters = first.filters
            #expect(Set(filters.keys) == ["platform", "q", "is_active", "creator_id", "category", "order_by", "order_direction"])
            #expect(filters["platform"] as? String == "tiktok")
            #expect((filters["q"] as? String)?.lowercased() == "echo")
            #expect(filters["is_active"] as? Bool == true)
            #expect(filters["creator_id"] as? String == creator)
            #expect(filters["category"] as? String == "music")
            #expect(filters["order_by"] as? String == "added_at")
            #expect(filters["order_direction"] as? String == "desc")
            #expect(first.pagination["total_count"] as? Int == 2)
            #expect(first.pagination["limit"] as? Int == 1)
            #expect(first.pagination["has_next"] as? Bool == true)
            let cursor = try #require(first.nextCursor)
            let link = try #require(first.header("Link"))
            let publicPath = "https://localhost:8443" + path
            #expect(link == "<\(publicPath)>; rel=\"first\", <\(publicPath)&cursor=\(cursor)>; rel=\"next\"")

            // Following rel="next" gives the last page: no next link, next_cursor null.
            let nextURL = try #require(link.firstMatch(of: /<([^>]+)>; rel="next"/)?.1)
            let last = try await server.request(.GET, String(nextURL).replacingOccurrences(of: "https://localhost:8443", with: ""),
                                                key: tenant.key)
            #expect(last.status == 200)
            #expect(last.items.count == 1)
            #expect(last.pagination["next_cursor"] is NSNull)
            #expect(last.pagination["has_next"] as? Bool == false)
            #expect(last.pagination["total_count"] as? Int == 2)
            #expect(last.header("Link") == "<\(publicPath)>; rel=\"first\"")
            #expect(Set(last.filters.keys) == Set(filters.keys))

            let plain = try await server.request(.GET, "/v2/accounts", key: tenant.key)
            #expect(plain.pagination["total_count"] == nil)
            #expect(plain.pagination["limit"] as? Int == 50)
            #expect(plain.filters as? [String: String] == ["order_by": "added_at", "order_direction": "desc"])
            #expect(plain.header("Link") == "<https://localhost:8443/v2/accounts>; rel=\"first\"")
            let empty = try await server.request(.GET, "/v2/accounts?platform=instagram&category=none&include_total=true", key: tenant.key)
            #expect(empty.items.isEmpty)
            #expect(empty.pagination["total_count"] as? Int == 0)
            #expect(empty.pagination["next_cursor"] is NSNull)
        }
    }

    @Test("limit 1–200 (never clamped), unknown filter and order values → 422 naming each; legacy sort; order_by wins",
          arguments: TestEngines.all)
    func parameters(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let tenant = try await Tenant.make(server)
            try await Track.accounts(server, tenant, count: 3) { index, account in
                account.username = ["bravo", "alpha", "charlie"][index]
                account.addedAt = Timestamp(seconds: 1_700_000_000 + Int64(index))
                account.followerCount = Int64([5, 9, 1][index])
            }
            for limit in ["0", "201", "-1", "abc", "1.5", ""] {
                Check.validation(try await server.request(.GET, "/v2/accounts?limit=\(limit)", key: tenant.key), ["limit"], "\(limit)")
            }
            for limit in ["1", "200"] {
                let response = try await server.request(.GET, "/v2/accounts?limit=\(limit)", key: tenant.key)
                #expect(response.pagination["limit"] as? Int == Int(limit))
            }
            Check.validation(try await server.request(.GET, "/v2/accounts?platform=facebook&is_active=yes&creator_id=abc&order_by=name&order_direction=up&include_total=1", key: tenant.key),
                             ["platform", "is_active", "creator_id", "order_by", "order_direction", "include_total"])
            Check.validation(try await server.request(.GET, "/v2/accounts?q=\(String(repeating: "q", count: 129))", key: tenant.key), ["q"])
            Check.validation(try await server.request(.GET, "/v2/accounts?sort=-bogus", key: tenant.key), ["sort"])
            Check.validation(try await server.request(.GET, "/v2/accounts?is_active=TRUE", key: tenant.key), ["is_active"])
            Check.validation(try await server.request(.GET, "/v2/videos?order_by=username", key: tenant.key), ["order_by"])
            Check.validation(try await server.request(.GET, "/v2/creators?order_by=added_at", key: tenant.key), ["order_by"])

            func usernames(_ query: String) async throws -> ([String], [String: Any]) {
                let response = try await server.request(.GET, "/v2/accounts?\(query)", key: tenant.key)
                #expect(response.status == 200, "\(query)")
                return (response.items.compactMap { $0["username"] as? String }, response.filters)
            }
            let (legacyDefault, legacyFilters) = try await usernames("sort=-added_at")
            #expect(legacyDefault == ["charlie", "alpha", "bravo"])
            #expect(legacyFilters as? [String: String] == ["order_by": "added_at", "order_direction": "desc"])
            let (byName, byNameFilters) = try await usernames("sort=username")
            #expect(byName == ["alpha", "bravo", "charlie"])
            #expect(byNameFilters as? [String: String] == ["order_by": "username", "order_direction": "asc"])
            let (wins, winsFilters) = try await usernames("sort=username&order_by=follower_count")
            #expect(wins == ["alpha", "bravo", "charlie"])  // follower_count desc: 9, 5, 1
            #expect(winsFilters as? [String: String] == ["order_by": "follower_count", "order_direction": "desc"])
            let (winsAsc, _) = try await usernames("sort=-username&order_by=follower_count&order_direction=asc")
            #expect(winsAsc == ["charlie", "bravo", "alpha"])
            let (defaultDesc, _) = try await usernames("order_by=username")
            #expect(defaultDesc == ["charlie", "bravo", "alpha"])
            let (directionOnly, directionFilters) = try await usernames("order_direction=asc")
            #expect(directionOnly == ["bravo", "alpha", "charlie"])
            #expect(directionFilters["order_by"] as? String == "added_at")
        }
    }

    @Test("cursors: reused with other filters or another sort, tampered with or garbage → 422 naming cursor; another organization's cursor never shows its rows", arguments: TestEngines.all)
    func cursorMisuse(engine: DatabaseEngine) async throws {
        try await TestServer.run(engine) { server in
            let tenant = try await Tenant.make(server)
            let other = try await Tenant.make(server)
            try await Track.accounts(server, tenant, count: 10) { index, account in account.username = "mine\(index)" }
            let otherAccounts = try await Track.accounts(server, other, count: 10) { index, account in account.username = "theirs\(index)" }
            let path = "/v2/accounts?limit=3&order_by=username&order_direction=asc"
            let first = try await server.request(.GET, path, key: tenant.key)
            let cursor = try #require(first.nextCursor)
            // The same cursor with the same filters works, also with another limit (limit is not a filter).
            #expect(try await server.request(.GET, path + "&cursor=\(cursor)", key: tenant.key).status == 200)
            let widened = try await server.request(.GET, "/v2/accounts?limit=50&order_by=username&order_direction=asc&cursor=\(cursor)",
                                                   key: tenant.key)
            #expect(widened.items.count == 7)

            let misuses = [
                "/v2/accounts?limit=3&order_by=username&order_direction=desc&cursor=\(cursor)",
                "/v2/accounts?limit=3&order_by=added_at&order_direction=asc&cursor=\(cursor)",
                "/v2/accounts?limit=3&cursor=\(cursor)",
                "/v2/accounts?limit=3&order_by=username&order_direction=asc&platform=instagram&cursor=\(cursor)",
                "/v2/accounts?limit=3&order_by=username&order_direction=asc&q=mine&cursor=\(cursor)",
                "/v2/accounts?limit=3&sort=-username&cursor=\(cursor)",
                "/v2/creators?limit=3&cursor=\(cursor)",
                "/v2/videos?limit=3&cursor=\(cursor)",
            ]
            for misuse in misuses {
                Check.validation(try await server.request(.GET, misuse, key: tenant.key), ["cursor"], "\(misuse)")
            }
            // Tampering anywhere in the cursor (payload or signature) is detected.
            // (The last position changes only the unused low bits of the final base64 digit: still a different cursor.)
            let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
            for index in [0, cursor.count / 2, cursor.count - 1] {
                var characters = Array(cursor)
                let position = alphabet.firstIndex(of: characters[index]) ?? 0
                characters[index] = alphabet[position ^ 1]
                let tampered = String(characters)
                Check.validation(try await server.request(.GET, path + "&cursor=\(tampered)", key: tenant.key), ["cursor"], "\(index)")
            }
            let payload = String(cursor.split(separator: ".")[0])
            let forged = Base64URL.encode(Array(#"{"f":"x","v":"mine0","i":"00000000-0000-0000-0000-000000000000"}"#.utf8))
            for garbage in ["garbage", "a.b", payload, payload + ".", ".", forged + "." + String(cursor.split(separator: ".")[1]),
                            String(repeating: "A", count: 2000), "%E2%98%83"] {
                Check.validation(try await server.request(.GET, path + "&cursor=\(garbage)", key: tenant.key), ["cursor"], "\(garbage.prefix(20))")
            }
            // A 422 for the cursor lists the other problems too.
            Check.validation(try await server.request(.GET, "/v2/accounts?limit=0&platform=x&cursor=garbage", key: tenant.key),
                             ["limit", "platform", "cursor"])

            // Another organization's cursor, with the same filters: rejected, or only the caller's own rows.
            let theirs = try await server.request(.GET, path, key: other.key)
            let theirCursor = try #require(theirs.nextCursor)
            let crossed = try await server.request(.GET, path + "&cursor=\(theirCursor)", key: tenant.key)
            let theirIDs = Set(otherAccounts.map(\.id.description))
            if crossed.status == 200 {
                #expect(crossed.items.allSatisfy { !theirIDs.contains($0["id"] as? String ?? "") })
                #expect(!crossed.body.contains("theirs"))
            } else {
                Check.validation(crossed, ["cursor"])
            }
        }
    }
}

/// A counter a `@Sendable` closure can bump.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func next() -> Int {
        lock.lock()
        defer { lock.unlock() }
        value += 1
        return value
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
