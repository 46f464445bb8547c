import ArgumentParser
import Foundation
import NIOConcurrencyHelpers

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Load accounts, videos and snapshot history from an NDJSON or CSV file (all or nothing).",
        discussion: """
            FILE is .ndjson/.jsonl (one JSON object per line) or .csv (a header row of field names). Every record has \
            a `kind`: account, video or snapshot — see the README for the fields. The whole file is checked first: a \
            bad line aborts the import with its line number, field and reason, and nothing is stored. It is then \
            applied in short transactions; if that is interrupted, run the same command again to finish it.
            """)

    @OptionGroup var storage: StorageOptions
    @Option(help: "The organization to import into.") var org: String
    @Argument(help: "The file to import (.ndjson, .jsonl or .csv).") var file: String
    @Flag(help: "Print the counts as one JSON object (accounts, videos, snapshots, snapshots_new, …_already_present).")
    var json = false

    func run() async throws {
        guard let organizationID = OrganizationID(org) else { throw CLIError("'\(org)' is not an organization id") }
        guard Importer.Format(path: file) != nil else { throw CLIError("\(file): the file name must end in .ndjson, .jsonl or .csv") }
        guard FileManager.default.isReadableFile(atPath: file) else { throw CLIError("cannot read \(file)") }
        let display = ImportProgressDisplay(terminal: isatty(STDERR_FILENO) == 1)
        let started = ContinuousClock.now
        let counts: Importer.Counts
        do {
            counts = try await storage.withDatabase(logger: try storage.makeLogger()) { database in
                guard try await OrganizationRepository(database: database).find(organizationID) != nil else {
                    throw CLIError("no organization has the id \(organizationID)")
                }
                return try await Importer(store: database.tenant(organizationID)).run(path: file) { display.update($0) }
            }
        } catch let error as ImportError {
            display.clear()
            throw CLIError(error.description)
        } catch let error as ImportInterrupted {
            display.clear()
            throw CLIError(error.description)
        } catch {
            display.clear()
            throw error
        }
        display.clear()
        if let resumed = counts.resumedAfter {
            let note = "creatoraudit: resumed an interrupted import of this file after \(resumed) records\n"
            FileHandle.standardError.write(Data(note.utf8))
        }
        let elapsed = started.duration(to: .now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        if json {
            try printJSON([
                "accounts": counts.accounts, "videos": counts.videos, "snapshots": counts.snapshots,
                "snapshots_new": counts.snapshotsNew, "snapshots_already_present": counts.snapshotsAlreadyPresent,
            ])
        } else {
            let rate = seconds > 0 ? Int(Double(counts.snapshots) / seconds) : counts.snapshots
            print("""
                Imported \(file) into \(organizationID) in \(String(format: "%.1f", seconds)) s:
                  accounts:  \(counts.accounts)
                  videos:    \(counts.videos)
                  snapshots: \(counts.snapshots) (\(rate)/s): \(counts.snapshotsNew) new, \
                \(counts.snapshotsAlreadyPresent) already present
                  in \(counts.transactions) transactions, the longest \(Self.milliseconds(counts.longestTransaction)) ms
                """)
        }
    }
}

extension ImportCommand {
    static func milliseconds(_ duration: Duration) -> Int {
        Int(duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000)
    }
}

/// Progress on stderr: a bar redrawn at most 10 times a second on a terminal; otherwise a plain line every
/// 5 seconds (logs and pipes get no carriage returns).
final class ImportProgressDisplay: Sendable {
    private struct State {
        var lastDraw: ContinuousClock.Instant?
        var drawn = false
    }

    let terminal: Bool
    let started = ContinuousClock.now
    private let state = NIOLockedValueBox(State())

    init(terminal: Bool) { self.terminal = terminal }

    func update(_ progress: Importer.Progress) {
        let now = ContinuousClock.now
        let interval: Duration = terminal ? .milliseconds(100) : .seconds(5)
        let due = state.withLockedValue { state -> Bool in
            let reference = state.lastDraw ?? started
            guard reference.duration(to: now) >= interval else { return false }
            state.lastDraw = now
            state.drawn = true
            return true
        }
        guard due else { return }
        let elapsed = started.duration(to: now)
        let seconds = max(0.001, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        let fraction = progress.fileSize > 0 ? min(1, Double(progress.bytesRead) / Double(progress.fileSize)) : 0
        let rate = Int(Double(progress.records) / seconds)
        let megabytes = String(format: "%.1f/%.1f MB", Double(progress.bytesRead) / 1e6, Double(progress.fileSize) / 1e6)
        let phase = progress.phase == .checking ? "checking" : "importing"
        if terminal {
            let width = 30
            let filled = Int(fraction * Double(width))
            let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
            write("\r\u{1B}[K\(phase) [\(bar)] \(Int(fraction * 100))%  \(megabytes)  \(progress.records) rows  "
                + "\(rate) rows/s")
        } else {
            write("import: \(phase) \(Int(fraction * 100))% (\(megabytes)), \(progress.records) rows, \(rate) rows/s\n")
        }
    }

    /// Removes the bar (on a terminal) before the final counts or an error.
    func clear() {
        let drawn = state.withLockedValue { $0.drawn }
        if terminal && drawn { write("\r\u{1B}[K") }
    }

    private func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
