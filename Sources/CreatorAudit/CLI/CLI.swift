// `creatoraudit` — the operator's command. Every failure ends as one line on stderr and exit status 1.
import ArgumentParser
import Foundation
import Logging

public enum CLI {
    public static func main() async {
        do {
            var command = try CreatorAuditCommand.parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as ConfigurationError {
            fail(error.description)
        } catch let error as DomainError {
            // The operator's words, not the API's: "name: must be 1 to 100 characters".
            let fields = error.errors.map { "\($0.field.replacingOccurrences(of: "_", with: "-")): \($0.message)" }
            fail(fields.isEmpty ? error.detail : fields.joined(separator: "; "))
        } catch let error as APIError {
            fail(error.detail)
        } catch let error as CLIError {
            fail(error.message)
        } catch {
            // Argument errors, --help and --version are ArgumentParser's to print.
            if error is CancellationError { exit(1) }
            let message = CreatorAuditCommand.message(for: error)
            let code = CreatorAuditCommand.exitCode(for: error)
            if code == .success {
                print(CreatorAuditCommand.fullMessage(for: error))
                exit(0)
            }
            if message.isEmpty || !(String(reflecting: type(of: error)).contains("ArgumentParser")) {
                fail(oneLine(error))
            }
            FileHandle.standardError.write(Data((CreatorAuditCommand.fullMessage(for: error) + "\n").utf8))
            exit(code.rawValue == 0 ? 1 : code.rawValue)
        }
    }

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("creatoraudit: error: \(message)\n".utf8))
        exit(1)
    }

    /// A database or I/O error as one line, without dumping internals.
    static func oneLine(_ error: any Error) -> String {
        let text = String(describing: error).replacingOccurrences(of: "\n", with: " ")
        return String(text.prefix(300))
    }
}

struct CLIError: Error {
    let message: String
    init(_ message: String) { self.message = message }
}

struct CreatorAuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "creatoraudit",
        abstract: "CreatorAudit: public engagement analytics for social-media creators, served over HTTPS.",
        subcommands: [
            ServeCommand.self, WorkerCommand.self, SourcesCommand.self, MigrateCommand.self, DemoCommand.self,
            ImportCommand.self, OrgCommand.self, KeysCommand.self,
        ])
}

/// `--data-dir` and `--database-url`, shared by every command. Flags override `CREATORAUDIT_*` variables.
struct StorageOptions: ParsableArguments {
    @Option(help: "Folder for the SQLite database and the development TLS certificate (env CREATORAUDIT_DATA_DIR).")
    var dataDir: String?

    @Option(help: "postgres://user:password@host:port/database — use PostgreSQL instead of SQLite (env CREATORAUDIT_DATABASE_URL).")
    var databaseURL: String?

    @Option(help: "Log level: trace, debug, info, notice, warning, error (env CREATORAUDIT_LOG_LEVEL).")
    var logLevel: String?

    var resolvedDataDir: String {
        dataDir ?? ProcessInfo.processInfo.environment["CREATORAUDIT_DATA_DIR"] ?? "./data"
    }

    func location() throws -> DatabaseLocation {
        if let url = databaseURL ?? ProcessInfo.processInfo.environment["CREATORAUDIT_DATABASE_URL"], !url.isEmpty {
            return .postgres(try PostgresURL(url))
        }
        return .sqlite(path: resolvedDataDir + "/creatoraudit.sqlite")
    }

    func makeLogger(default level: Logger.Level = .warning) throws -> Logger {
        let name = logLevel ?? ProcessInfo.processInfo.environment["CREATORAUDIT_LOG_LEVEL"]
        var logger = Logger(label: "creatoraudit")
        if let name {
            guard let parsed = Logger.Level(rawValue: name.lowercased()) else {
                throw CLIError("unknown log level '\(name)'")
            }
            logger.logLevel = parsed
        } else {
            logger.logLevel = level
        }
        return logger
    }

    /// Opens the database, applies migrations, runs `body`, closes.
    func withDatabase<T>(logger: Logger, _ body: (Database) async throws -> T) async throws -> T {
        let database = try await Database.open(try location(), logger: logger)
        do {
            try await Migrations.run(on: database, logger: logger)
            let result = try await body(database)
            await database.close()
            return result
        } catch {
            await database.close()
            throw error
        }
    }
}

/// Prints a JSON object with stable key order.
func printJSON(_ value: some Encodable) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}

/// `30d`, `24h`, `90m`, `0h` → seconds.
func parseDuration(_ text: String, option: String) throws -> Int64 {
    let units: [Character: Int64] = ["m": 60, "h": 3600, "d": 86400]
    guard let unit = text.last, let multiplier = units[unit], let value = Int64(text.dropLast()), value >= 0 else {
        throw CLIError("\(option) must look like 30d, 24h or 90m")
    }
    return value * multiplier
}
