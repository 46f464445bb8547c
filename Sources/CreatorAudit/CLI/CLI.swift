// `creatoraudit` — the operator's command. Every failure, a mistyped command line included, ends as one line on stderr
// and exit status 1 (README, "The `creatoraudit` command"). Messages speak of commands, options and values — never of
// HTTP requests or fields of a request body.
import ArgumentParser
import Foundation
import Logging

public enum CLI {
    public static func main() async {
        let arguments = hoistingGlobalOptions(Array(CommandLine.arguments.dropFirst()))
        do {
            var command = try CreatorAuditCommand.parseAsRoot(arguments)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as ConfigurationError {
            fail(error.description)
        } catch let error as DomainError {
            fail(message(for: error))
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
            // A usage error: ArgumentParser's first line, and where the full usage is (not the usage itself).
            let first = message.split(separator: "\n").first.map(String.init) ?? message
            let reason = first.hasPrefix("Error: ") ? String(first.dropFirst(7)) : first
            let help = (["creatoraudit"] + commandPath(arguments) + ["--help"]).joined(separator: " ")
            fail("\(reason) (see '\(help)')")
        }
    }

    /// The operator's words for a rule the command broke: "name: must be 1 to 100 characters", "--org: …".
    static func message(for error: DomainError) -> String {
        switch error.kind {
        case .invalid:
            let fields = error.errors.map { "\($0.field.replacingOccurrences(of: "_", with: "-")): \($0.message)" }
            return fields.isEmpty ? "the values given are not valid" : fields.joined(separator: "; ")
        case .notFound, .conflict, .quotaExceeded, .forbidden:
            return error.detail
        }
    }

    /// `--data-dir`, `--database-url` and `--log-level` belong to every command; given before the command's name
    /// (`creatoraudit --data-dir X import …`) they are moved after it, where ArgumentParser looks for them.
    static let globalOptions: Set<String> = ["--data-dir", "--database-url", "--log-level"]

    static func hoistingGlobalOptions(_ arguments: [String]) -> [String] {
        var globals: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            let name = String(argument.prefix { $0 != "=" })
            guard globalOptions.contains(name) else { break }
            if argument.contains("=") {
                globals.append(argument)
                index += 1
            } else if index + 1 < arguments.count {
                globals += [argument, arguments[index + 1]]
                index += 2
            } else {
                break
            }
        }
        guard !globals.isEmpty else { return arguments }
        var rest = Array(arguments[index...])
        rest.insert(contentsOf: globals, at: commandPath(rest).count)
        return rest
    }

    /// The leading words of `arguments` that name a command and its subcommands (`keys`, `list`).
    static func commandPath(_ arguments: [String]) -> [String] {
        var command: any ParsableCommand.Type = CreatorAuditCommand.self
        var path: [String] = []
        for argument in arguments {
            let subcommands = command.configuration.subcommands
            guard let next = subcommands.first(where: { $0._commandName == argument }) else { break }
            path.append(argument)
            command = next
        }
        return path
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
        discussion: """
            Every command takes --data-dir, --database-url and --log-level, before or after its name. Commands other \
            than serve, worker, demo, migrate and org create need an existing database. Errors are one line on stderr with \
            exit status 1.
            """,
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

    /// Opens the database, applies migrations, runs `body`, closes. Only `creating` commands (demo, org create) may
    /// start a new database; the others refuse a data directory or PostgreSQL database that holds none, rather than
    /// leave an empty one behind a mistyped `--data-dir`.
    func withDatabase<T>(
        logger: Logger, creating: Bool = false, _ body: (Database) async throws -> T
    ) async throws -> T {
        let location = try location()
        if !creating, case .sqlite(let path) = location, !FileManager.default.fileExists(atPath: path) {
            throw CLIError("no database at \(resolvedDataDir); run serve or demo first")
        }
        let database = try await Database.open(location, logger: logger)
        do {
            if !creating, try await !Migrations.isInitialized(on: database) {
                throw CLIError("no CreatorAudit database in \(location); run serve, demo or migrate first")
            }
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

/// Columns padded to their widest cell, two spaces apart.
func printTable(_ header: [String], _ rows: [[String]]) {
    let table = [header] + rows
    let widths = header.indices.map { column in table.map { $0[column].count }.max() ?? 0 }
    for line in table {
        let cells = line.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }
        print(cells.joined(separator: "  "))
    }
}

/// `30d`, `24h`, `90m`, `0h` → seconds.
func parseDuration(_ text: String, option: String) throws -> Int64 {
    let units: [Character: Int64] = ["m": 60, "h": 3600, "d": 86400]
    guard let unit = text.last, let multiplier = units[unit], let value = Int64(text.dropLast()), value >= 0 else {
        throw CLIError("\(option) must look like 30d, 24h or 90m")
    }
    return value * multiplier
}
