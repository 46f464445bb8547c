// The collector benchmark (scripts/bench-collector): seeds N Instagram accounts (`creator00001` … of the platform
// doubles), all due at once, starts W `creatoraudit worker` processes against the doubles, and measures account
// refreshes per second, the workers' CPU per refresh (/proc, user + system), and then an idle worker's CPU.
// Usage: collector-bench --worker PATH --doubles URL --data-dir DIR [--database-url URL] [--accounts 10000]
//                        [--workers 1] [--concurrency 16] [--idle-seconds 30]
import CreatorAudit
import Foundation
import Logging

@main
struct CollectorBench {
    static func main() async throws {
        let arguments = Array(CommandLine.arguments.dropFirst())
        func option(_ name: String, _ fallback: String?) -> String? {
            guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return fallback }
            return arguments[index + 1]
        }
        guard let worker = option("--worker", nil), let doubles = option("--doubles", nil),
            let dataDir = option("--data-dir", nil)
        else {
            FileHandle.standardError.write(
                Data("usage: collector-bench --worker PATH --doubles URL --data-dir DIR\n".utf8))
            exit(2)
        }
        let url = option("--database-url", nil)
        let accounts = Int(option("--accounts", "10000") ?? "") ?? 10_000
        let workers = Int(option("--workers", "1") ?? "") ?? 1
        let concurrency = option("--concurrency", "16") ?? "16"
        let idleSeconds = Double(option("--idle-seconds", "30") ?? "") ?? 30
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        try FileManager.default.createDirectory(atPath: dataDir, withIntermediateDirectories: true)
        let location: DatabaseLocation =
            try url.map { .postgres(try PostgresURL($0)) } ?? .sqlite(path: dataDir + "/creatoraudit.sqlite")
        let database = try await Database.open(location, logger: logger)
        try await Migrations.run(on: database, logger: logger)

        // N accounts of one organization, added (and so due) now.
        let created = try await Provisioning(database: database).createOrganization(
            name: "Collector bench", ownerEmail: "bench-\(UUID().uuidString.prefix(8).lowercased())@example.com")
        let organization = created.organization.id
        let tenant = database.tenant(organization)
        let now = Timestamp.now
        for chunk in stride(from: 1, through: accounts, by: 1_000) {
            try await tenant.write { db in
                for index in chunk..<min(accounts + 1, chunk + 1_000) {
                    let number = String(index)
                    let username = "creator" + String(repeating: "0", count: max(0, 5 - number.count)) + number
                    let account = Account.new(
                        organizationID: organization, platform: .instagram, username: username, now: now)
                    try await tenant.accounts.insert(account, in: db)
                }
            }
        }
        let queue = CollectorQueue(database: database)

        var environment = ProcessInfo.processInfo.environment
        environment["CREATORAUDIT_INSTAGRAM_BASE_URL"] = doubles
        environment["CREATORAUDIT_INSTAGRAM_USER_ID"] = "17841400000000001"
        environment["CREATORAUDIT_INSTAGRAM_ACCESS_TOKEN"] = "doubles-instagram-token"
        var storage = ["--data-dir", dataDir]
        if let url { storage += ["--database-url", url] }
        let start = Date()
        var processes: [Process] = []
        for _ in 0..<workers {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: worker)
            process.arguments =
                [
                    "worker", "--log-level", "warning", "--collector-concurrency", concurrency,
                    "--instagram-concurrency", concurrency,
                ] + storage
            process.environment = environment
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle(forWritingAtPath: "/dev/stderr")
            try process.run()
            processes.append(process)
        }
        // Progress, twice a second (a 1 s poll made the wall time of a 20 s run ±5 %; ten a second was a count of
        // the accounts table every 0.1 s, a seq scan on PostgreSQL, competing with the workers for the machine).
        var firstProgress: Date?
        var remaining = accounts
        while remaining > 0 {
            try await Task.sleep(for: .milliseconds(500))
            let figure = try await queue.figures(now: .now).first { $0.platform == .instagram }
            remaining = figure?.newAccounts ?? accounts
            if remaining < accounts, firstProgress == nil { firstProgress = Date() }
            if processes.contains(where: { !$0.isRunning }) {
                FileHandle.standardError.write(Data("a worker exited early\n".utf8))
                exit(1)
            }
            if Date().timeIntervalSince(start) > 3_600 { break }
        }
        let done = Date()
        let busyCPU = processes.map { cpuSeconds($0.processIdentifier) }.reduce(0, +)
        try await Task.sleep(for: .seconds(idleSeconds))
        let idleCPU = processes.map { cpuSeconds($0.processIdentifier) }.reduce(0, +) - busyCPU
        for process in processes { process.terminate() }
        for process in processes { process.waitUntilExit() }

        let wall = done.timeIntervalSince(start)
        let refreshed = accounts - remaining
        let engine = url == nil ? "SQLite" : "PostgreSQL"
        let row = String(
            format: "| %@ | %d | %@ | %d | %.1f s | %.0f | %.2f ms | %.2f %% |", engine, workers, concurrency,
            refreshed, wall, Double(refreshed) / wall, busyCPU / Double(max(1, refreshed)) * 1_000,
            idleCPU / idleSeconds / Double(workers) * 100)
        print(row)
        let first = String(format: "%.1f", (firstProgress ?? done).timeIntervalSince(start))
        let note = "  (first refresh seen \(first) s after start, within the 0.5 s poll)\n"
        FileHandle.standardError.write(Data(note.utf8))
        await database.close()
    }

    /// User + system CPU seconds of a process so far (Linux /proc).
    static func cpuSeconds(_ pid: Int32) -> Double {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = text.lastIndex(of: ")")
        else { return 0 }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // After the command: state is field 3; utime and stime are fields 14 and 15 (1-based over the whole line).
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}
