// `creatoraudit import` (README, "The creatoraudit command"), run as the real executable: NDJSON and CSV store the same data, a bad line
// stores nothing and says where, and large files stream.
import Foundation
import SQLKit
import Testing
@testable import CreatorAudit

@Suite("Import")
struct ImportTests {
    /// The records of the good file, as JSON values (NDJSON and CSV are written from them).
    static var records: [[String: Any]] { [
        ["kind": "account", "platform": "instagram", "username": "maya.chen", "name": "Maya Chen", "category": "food",
         "is_verified": true],
        ["kind": "account", "platform": "tiktok", "username": "@MayaChen", "name": "Maya, \"the\" cook"],
        ["kind": "video", "platform": "instagram", "external_id": "C9abcDEFghi", "account": "maya.chen",
         "create_time": "2026-01-10T08:00:00Z", "description": "Line one\nline, two \"quoted\" – é 🍜", "media_type": "VIDEO"],
        ["kind": "video", "platform": "tiktok", "external_id": "7321000000000000001", "account": "mayachen",
         "create_time": "2026-01-09T20:00:00+01:00", "url": "https://www.tiktok.com/@mayachen/video/7321000000000000001"],
        ["kind": "video", "platform": "tiktok", "external_id": "7321000000000000002"],
        ["kind": "snapshot", "platform": "instagram", "account": "maya.chen", "observed_at": "2026-01-10T09:00:00Z",
         "follower_count": 1000, "following_count": 10],
        ["kind": "snapshot", "platform": "instagram", "account": "maya.chen", "observed_at": "2026-01-11T09:00:00Z",
         "follower_count": 1010],
        ["kind": "snapshot", "platform": "instagram", "video": "C9abcDEFghi", "observed_at": "2026-01-10T09:00:00Z",
         "view_count": 100, "like_count": 10, "saved_count": 2],
        ["kind": "snapshot", "platform": "instagram", "video": "C9abcDEFghi", "observed_at": "2026-01-11T09:00:00.500Z",
         "view_count": 150, "like_count": 12, "comment_count": 3, "saved_count": 4],
        ["kind": "snapshot", "platform": "tiktok", "video": "7321000000000000001", "observed_at": "2026-01-10T10:00:00Z",
         "view_count": 500, "play_count": 500, "like_count": 50, "comment_count": 5, "share_count": 1],
        ["kind": "snapshot", "platform": "tiktok", "video": "7321000000000000002", "observed_at": "2026-01-12T01:00:00+02:00",
         "view_count": 42],
    ] }
    static let fieldOrder = ["kind", "platform", "username", "name", "category", "is_verified", "external_id", "account",
                             "video", "create_time", "description", "media_type", "url", "observed_at", "follower_count",
                             "following_count", "profile_post_count", "view_count", "play_count", "like_count",
                             "comment_count", "share_count", "saved_count"]

    static func ndjson(_ records: [[String: Any]]) throws -> String {
        try records.map { String(decoding: try JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys]), as: UTF8.self) }
            .joined(separator: "\n") + "\n"
    }

    static func csv(_ records: [[String: Any]]) -> String {
        func cell(_ value: Any?) -> String {
            guard let value else { return "" }
            let text: String
            if let bool = value as? Bool { text = bool ? "true" : "false" } else { text = "\(value)" }
            guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) else { return text }
            return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        let rows = records.map { record in fieldOrder.map { cell(record[$0]) }.joined(separator: ",") }
        return ([fieldOrder.joined(separator: ",")] + rows).joined(separator: "\r\n") + "\r\n"
    }

    static func write(_ text: String, name: String) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ca-import-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func importFile(_ path: String, into organization: Organization, _ database: TestDatabase) async throws -> CLIResult {
        try await CLIRunner.run(["import", "--org", organization.id.description, path, "--json"] + database.cliStorageArguments)
    }

    /// Everything an import stores for one organization, without ids and import times, sorted.
    static func dump(_ database: Database, _ organization: Organization) async throws -> [String] {
        let org = organization.id.description
        // (FROM clause, columns): every column read as text, so both engines print the same.
        let tables: [(String, [String])] = [
            ("accounts x WHERE x.organization_id = '\(org)'",
             ["platform", "username", "name", "category", "is_verified", "follower_count", "following_count",
              "profile_post_count", "total_post_count", "view_count", "like_count", "comment_count", "share_count",
              "play_count", "saved_count", "first_scrape_time", "last_scrape_time", "data_source"]),
            ("videos x LEFT JOIN accounts a ON a.id = x.account_id WHERE x.organization_id = '\(org)'",
             ["platform", "source", "external_id", "shortcode", "url", "account_username", "description", "create_time",
              "media_type", "view_count", "play_count", "like_count", "comment_count", "share_count", "saved_count",
              "first_scrape_time", "last_scrape_time", "data_source", "a.username"]),
            ("account_snapshots x JOIN accounts a ON a.id = x.account_id WHERE x.organization_id = '\(org)'",
             ["a.username", "observed_at", "follower_count", "following_count", "profile_post_count"]),
            ("account_daily x JOIN accounts a ON a.id = x.account_id WHERE x.organization_id = '\(org)'",
             ["a.username", "day", "observed_at", "follower_count"]),
            ("video_snapshots x JOIN videos v ON v.id = x.video_id WHERE x.organization_id = '\(org)'",
             ["v.external_id", "observed_at", "view_count", "play_count", "like_count", "comment_count", "share_count",
              "saved_count"]),
            ("video_daily x JOIN videos v ON v.id = x.video_id WHERE x.organization_id = '\(org)'",
             ["v.external_id", "day", "view_count", "saved_count"]),
        ]
        var lines: [String] = []
        for (index, (from, columns)) in tables.enumerated() {
            let select = columns.enumerated().map { number, column in
                "CAST(\(column.contains(".") ? column : "x." + column) AS TEXT) AS c\(number)"
            }.joined(separator: ", ")
            let query = "SELECT \(select) FROM \(from)"
            let rows = try await database.read(scope: .test) { db in try await db.raw(SQLQueryString(stringLiteral: query)).all() }
            lines += try rows.map { row in
                "\(index): " + (try columns.indices.map { try row.decode(column: "c\($0)", as: String?.self) ?? "nil" })
                    .joined(separator: "|")
            }
        }
        return lines.sorted()
    }

    static func storedCount(_ database: Database, _ organization: Organization) async throws -> Int {
        let org = organization.id.description
        return try await database.read(scope: .test) { db in
            var total = 0
            for table in ["accounts", "videos", "account_snapshots", "video_snapshots", "account_daily", "video_daily"] {
                total += try await db.raw("SELECT COUNT(*) AS n FROM \(unsafeRaw: table) WHERE organization_id = \(bind: org)")
                    .first()?.decode(column: "n", as: Int.self) ?? 0
            }
            return total
        }
    }

    @Test("a good NDJSON file and the same records as CSV store identical data", arguments: TestEngines.all)
    func ndjsonAndCSVAgree(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { database in
            let first = try await Fixtures.organization(database.database)
            let second = try await Fixtures.organization(database.database)
            let ndjson = try await Self.importFile(try Self.write(try Self.ndjson(Self.records), name: "good.ndjson"), into: first, database)
            #expect(ndjson.status == 0, "\(ndjson.stderr)")
            #expect(ndjson.json["accounts"] as? Int == 2 && ndjson.json["videos"] as? Int == 3 && ndjson.json["snapshots"] as? Int == 6)
            let csv = try await Self.importFile(try Self.write(Self.csv(Self.records), name: "good.csv"), into: second, database)
            #expect(csv.status == 0, "\(csv.stderr)")
            #expect(csv.stdout == ndjson.stdout)

            let a = try await Self.dump(database.database, first)
            let b = try await Self.dump(database.database, second)
            let expectedRows = 17  // accounts 2, videos 3, account snapshots 2 and days 2, video snapshots 4 and days 4
            #expect(a.count == expectedRows)
            #expect(a == b)

            // What was stored, by hand.
            let stored = try await database.database.read(scope: .test) { db in
                try await db.raw(AccountRepository.select + " WHERE a.organization_id = \(bind: first.id.description)").all()
            }.map(AccountRepository.decode)
            let maya = try #require(stored.first { $0.username == "maya.chen" })
            #expect(maya.followerCount == 1010 && maya.name == "Maya Chen" && maya.isVerified && maya.category == "food")
            #expect(maya.firstScrapeTime == ISO8601Time.parse("2026-01-10T09:00:00Z"))
            #expect(maya.totalPostCount == 1 && maya.totals.views == 150 && maya.totals.saves == 4 && maya.dataSource == "import")
            let tiktok = try #require(stored.first { $0.platform == .tiktok })
            #expect(tiktok.username == "mayachen" && tiktok.name == "Maya, \"the\" cook" && tiktok.totals.views == 500)
            #expect(a.contains("4: C9abcDEFghi|1768035600|100|nil|10|nil|nil|2"), "absent counters are unknown (NULL), not 0")
            #expect(a.contains { $0.hasPrefix("1: instagram|account|C9abcDEFghi|C9abcDEFghi|https://www.instagram.com/p/C9abcDEFghi/|maya.chen|Line one\nline, two \"quoted\" – é 🍜|1768032000|VIDEO|150|") })
            #expect(a.contains { $0.hasPrefix("1: tiktok|individual|7321000000000000002|nil|https://www.tiktok.com/video/7321000000000000002|nil|nil|nil|nil|42|") })
            #expect(a.contains("4: 7321000000000000002|1768172400|42|nil|nil|nil|nil|nil"), "+02:00 is converted to UTC")
            #expect(a.contains { $0.hasPrefix("1: tiktok|account|7321000000000000001|nil|https://www.tiktok.com/@mayachen/video/7321000000000000001|mayachen|nil|1767985200|") })
        }
    }

    @Test("a second file refers to accounts and videos of the organization; re-importing adds no duplicates",
          arguments: TestEngines.all)
    func refersToExisting(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { database in
            let organization = try await Fixtures.organization(database.database)
            let first = try await Self.importFile(try Self.write(try Self.ndjson(Self.records), name: "a.jsonl"), into: organization, database)
            #expect(first.status == 0, "\(first.stderr)")
            let before = try await Self.dump(database.database, organization)
            let again = try await Self.importFile(try Self.write(try Self.ndjson(Self.records), name: "b.ndjson"), into: organization, database)
            #expect(again.status == 0, "\(again.stderr)")
            #expect(again.json["accounts"] as? Int == 0 && again.json["videos"] as? Int == 0)
            #expect(try await Self.dump(database.database, organization) == before)
            let more = try await Self.importFile(try Self.write(Self.csv([
                ["kind": "video", "platform": "instagram", "external_id": "Dnew1234567", "account": "MAYA.CHEN"],
                ["kind": "snapshot", "platform": "instagram", "video": "Dnew1234567", "observed_at": "2026-01-12T09:00:00Z", "view_count": 7],
                ["kind": "snapshot", "platform": "tiktok", "account": "mayachen", "observed_at": "2026-01-12T09:00:00Z", "follower_count": 99],
            ]), name: "more.csv"), into: organization, database)
            #expect(more.status == 0, "\(more.stderr)")
            #expect(more.json["accounts"] as? Int == 0 && more.json["videos"] as? Int == 1 && more.json["snapshots"] as? Int == 2)
            let maya = try #require(try await database.database.read(scope: .test) { db in
                try await db.raw("SELECT total_post_count, view_count FROM accounts WHERE username = 'maya.chen' AND organization_id = \(bind: organization.id.description)").first()
            })
            #expect(try maya.decode(column: "total_post_count", as: Int.self) == 2)
            #expect(try maya.decode(column: "view_count", as: Int.self) == 157)
        }
    }

    struct BadLine: Sendable, CustomStringConvertible {
        let name: String
        let record: [String: String]
        let field: String
        let csv: Bool
        var description: String { name }
    }

    static let future = Timestamp.now.adding(seconds: 3_600).iso8601
    static let badLines: [BadLine] = [
        BadLine(name: "negative counter", record: ["kind": "snapshot", "video": "C9abcDEFghi", "view_count": "-5"], field: "view_count", csv: false),
        BadLine(name: "fractional counter", record: ["kind": "snapshot", "video": "C9abcDEFghi", "like_count": "1.5"], field: "like_count", csv: false),
        BadLine(name: "counter in CSV", record: ["kind": "snapshot", "video": "C9abcDEFghi", "view_count": "12a"], field: "view_count", csv: true),
        BadLine(name: "unknown kind", record: ["kind": "story"], field: "kind", csv: false),
        BadLine(name: "unknown kind in CSV", record: ["kind": "story"], field: "kind", csv: true),
        BadLine(name: "future observed_at", record: ["kind": "snapshot", "video": "C9abcDEFghi", "view_count": "1", "observed_at": future], field: "observed_at", csv: false),
        BadLine(name: "unknown account", record: ["kind": "snapshot", "account": "nobody", "follower_count": "1"], field: "account", csv: false),
        BadLine(name: "video of an unknown account", record: ["kind": "video", "external_id": "Dnew1234567", "account": "nobody"], field: "account", csv: true),
        BadLine(name: "unknown video", record: ["kind": "snapshot", "video": "Zzzzz99999", "view_count": "1"], field: "video", csv: false),
        BadLine(name: "bad platform", record: ["kind": "account", "platform": "myspace", "username": "x"], field: "platform", csv: false),
    ]

    @Test("a bad line exits 1 with one line naming the line and field, and stores nothing",
          arguments: TestEngines.all, badLines)
    func badLine(engine: DatabaseEngine, bad: BadLine) async throws {
        try await TestDatabase.with(engine) { database in
            let organization = try await Fixtures.organization(database.database)
            var records: [[String: Any]] = Array(Self.records.prefix(3))  // account, account, video
            var record: [String: Any] = ["platform": "instagram", "observed_at": "2026-01-11T09:00:00Z"]
            for (name, value) in bad.record {
                // Counters as JSON numbers where they parse, so NDJSON tests the number path.
                record[name] = bad.csv ? value : (Int(value).map { $0 as Any } ?? Double(value).map { $0 as Any } ?? value)
            }
            records.append(record)
            records.append(Self.records[5])
            let path = try bad.csv ? Self.write(Self.csv(records), name: "bad.csv") : Self.write(try Self.ndjson(records), name: "bad.ndjson")
            let result = try await Self.importFile(path, into: organization, database)
            #expect(result.status == 1)
            // NDJSON: line 4. CSV: the header is line 1 and the video's description holds a line break, so 6.
            let lineNumber = bad.csv ? 6 : 4
            let lines = result.stderr.split(separator: "\n")
            #expect(lines.count == 1, "\(result.stderr)")
            #expect(result.stderr.hasPrefix("creatoraudit: error: line \(lineNumber): field \(bad.field): "), "\(result.stderr)")
            #expect(try await Self.storedCount(database.database, organization) == 0)
        }
    }

    @Test("CSV: quoted fields with commas, quotes and line breaks; the line number of a record is where it starts")
    func csvParsing() throws {
        let text = "kind,platform,username,name\r\naccount,instagram,a.b,\"one, \"\"two\"\"\nthree\"\n\naccount,tiktok,c,plain\n"
        let path = try Self.write(text, name: "x.csv")
        var records = try CSVRecords(reader: try LineReader(path: path))
        let first = try #require(try records.next())
        #expect(first.number == 2)
        #expect(first.fields["name"] == .text("one, \"two\"\nthree"))
        let second = try #require(try records.next())
        #expect(second.number == 5)
        #expect(second.fields["name"] == .text("plain"))
        #expect(try records.next() == nil)
    }

    @Test("ISO 8601 times: zones and fractions; anything else is refused")
    func times() {
        #expect(ISO8601Time.parse("2026-06-14T09:30:00Z") == Timestamp(seconds: 1_781_429_400))
        #expect(ISO8601Time.parse("2026-06-14T11:30:00.999+02:00") == Timestamp(seconds: 1_781_429_400))
        #expect(ISO8601Time.parse("2026-06-14T04:30:00-0500") == Timestamp(seconds: 1_781_429_400))
        for bad in ["2026-06-14", "2026-06-14T09:30:00", "2026-02-30T00:00:00Z", "2026-06-14T25:00:00Z", "yesterday",
                    "2026-06-14T09:30:00Zjunk"] {
            #expect(ISO8601Time.parse(bad) == nil, "\(bad)")
        }
    }

    @Test("NDJSON lines: escapes, nested values of unknown fields, and invalid JSON")
    func jsonLines() throws {
        var parser = FlatJSONParser(bytes: Array(#"{"a": "x\"\u00e9\ud83c\udf5c\n", "n": 12, "b": false, "z": null, "o": {"p": [1, {"q": 2}]}}"#.utf8), line: 3)
        let fields = try parser.object()
        #expect(fields["a"] == .string("x\"é🍜\n"))
        #expect(fields["n"] == .number("12") && fields["b"] == .bool(false) && fields["z"] == nil && fields["o"] == .nested)
        for bad in [#"{"a": 01}"#, #"{"a": "x"#, #"["a"]"#, #"{"a": 1} x"#, #"{"a" 1}"#] {
            #expect(throws: ImportError.self) {
                var parser = FlatJSONParser(bytes: Array(bad.utf8), line: 9)
                _ = try parser.object()
            }
        }
    }

    @Test("a 50,000-line file streams through, checked and then applied", arguments: TestEngines.all)
    func streaming(engine: DatabaseEngine) async throws {
        try await TestDatabase.with(engine) { database in
            let organization = try await Fixtures.organization(database.database)
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ca-import-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let path = directory.appendingPathComponent("big.ndjson").path
            let videos = 50, days = 1_000
            var text = #"{"kind":"account","platform":"tiktok","username":"big.account"}"# + "\n"
            for video in 0..<videos {
                text += #"{"kind":"video","platform":"tiktok","external_id":"\#(7_321_000_000_000_000_000 + video)","account":"big.account"}"# + "\n"
            }
            let base: Int64 = 1_700_000_000
            for day in 0..<days {
                for video in 0..<videos {
                    text += #"{"kind":"snapshot","platform":"tiktok","video":"\#(7_321_000_000_000_000_000 + video)","observed_at":"\#(Timestamp(seconds: base + Int64(day) * 86_400 + Int64(video)).iso8601)","view_count":\#(day * 10 + video),"like_count":\#(day)}"# + "\n"
                }
            }
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            let started = ContinuousClock.now
            let result = try await Self.importFile(path, into: organization, database)
            let elapsed = started.duration(to: .now)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.json["snapshots"] as? Int == videos * days)
            let row = try #require(try await database.database.read(scope: .test) { db in
                try await db.raw("""
                    SELECT (SELECT COUNT(*) FROM video_snapshots WHERE organization_id = \(bind: organization.id.description)) AS snapshots,
                        (SELECT COUNT(*) FROM video_daily WHERE organization_id = \(bind: organization.id.description)) AS days,
                        (SELECT view_count FROM accounts WHERE organization_id = \(bind: organization.id.description)) AS views
                    """).first()
            })
            #expect(try row.decode(column: "snapshots", as: Int.self) == videos * days)
            #expect(try row.decode(column: "days", as: Int.self) == videos * days)
            // The last day's views summed over the videos.
            #expect(try row.decode(column: "views", as: Int.self) == (0..<videos).reduce(0) { $0 + (days - 1) * 10 + $1 })
            print("import of \(videos * days) snapshots on \(engine): \(elapsed)")
        }
    }
}
